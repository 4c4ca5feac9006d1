/** Observing a running pipeline from outside: how far the inbound backlog is, and whether every effect is queued. */
import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Db } from '../../src/adapters/db.ts';
import type { App } from '../../src/entry/main.ts';

export async function jobCount(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Stored and still-pending inbound rows of a mailbox (cheap: the cursor and the partial pending index). */
export async function inboundProgress(db: Db, mailbox = 'INBOX'): Promise<{ lastUid: number; pending: number }> {
  const [state, pending] = await Promise.all([
    db('mailbox_state').where({ mailbox }).max('last_uid as m').first() as Promise<{ m: number | null } | undefined>,
    countOf(db('inbound_messages').where({ status: 'pending' })),
  ]);
  return { lastUid: state?.m ?? 0, pending };
}

/** count(*) of a query, e.g. countOf(db('outbox').where({ status: 'pending' })). */
export async function countOf(query: Knex.QueryBuilder): Promise<number> {
  const row = await query.count('* as n').first() as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

export async function rowCount(db: Db, table: string): Promise<number> {
  return await countOf(db(table));
}

/** True when every outbox row and every deadline row has its BullMQ job (the copies are queued). */
export async function effectsQueued(db: Db, app: App): Promise<boolean> {
  const [outbox, deadlines, jobsOut, jobsDue] = await Promise.all([
    rowCount(db, 'outbox'), rowCount(db, 'deadlines'), jobCount(app.queues.outbound), jobCount(app.queues.deadlines),
  ]);
  return jobsOut >= outbox && jobsDue >= deadlines;
}

/** Outcomes of the inbound rows of a mailbox, e.g. { 'processed/new': 1400, 'processed/reply': 600 }. */
export async function outcomes(db: Db, mailbox = 'INBOX'): Promise<Record<string, number>> {
  const rows = await db('inbound_messages').where({ mailbox }).groupBy('status', 'kind')
    .select('status', 'kind').count('* as n') as { status: string; kind: string | null; n: string | number }[];
  return Object.fromEntries(rows.map((r) => [`${r.status}/${r.kind ?? '-'}`, Number(r.n)]));
}
