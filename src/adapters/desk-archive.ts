/** The desk's reports archive (every report run and the emails it sent) and the counts of its status page. */
import type { SentEmail } from './desk-read-model.ts';
import type { Tx } from './ticket-store.ts';

export interface ReportRunLine {
  id: number;
  kind: string;
  period: string;
  late: boolean;
  created_at: Date;
  emails: (SentEmail & { has_csv: boolean })[];
}

/** Report runs, newest first, with their emails; `onlyTo` keeps the emails (and runs) sent to one person. */
export async function reportRuns(db: Tx, onlyTo: string | undefined, limit = 100): Promise<ReportRunLine[]> {
  const runs = await db('report_runs').orderBy('id', 'desc').limit(limit)
    .modify((q) => { if (onlyTo !== undefined) void q.whereExists(db('outbox').whereRaw('outbox.report_run_id = report_runs.id').where('to_email', onlyTo)); })
    .select('id', 'kind', 'period', 'late', 'created_at') as Omit<ReportRunLine, 'emails'>[];
  if (runs.length === 0) return [];
  const emails = await db('outbox').whereIn('report_run_id', runs.map((r) => r.id)).orderBy('id')
    .modify((q) => { if (onlyTo !== undefined) void q.where('to_email', onlyTo); })
    .select('id', 'report_run_id', 'template', 'to_email', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'sent_at',
      db.raw("(data->>'csv') is not null as has_csv")) as (SentEmail & { report_run_id: number; has_csv: boolean })[];
  return runs.map((r) => ({ ...r, emails: emails.filter((e) => e.report_run_id === r.id) }));
}

export interface ReportEmail {
  id: number;
  to_email: string;
  template: string;
  locale: 'ar' | 'en';
  data: Record<string, unknown>;
}

export async function reportEmail(db: Tx, id: number): Promise<ReportEmail | undefined> {
  return await db('outbox').where({ id }).whereNotNull('report_run_id').first('id', 'to_email', 'template', 'locale', 'data') as ReportEmail | undefined;
}

export interface DeskStatus {
  outbox: Record<string, number>;
  inbound: Record<string, number>;
  pendingTimers: number;
  oldestUnsent: Date | null;
  failed: (SentEmail & { ref: string | null })[];
}

const counts = (rows: { status: string; n: number | string }[]): Record<string, number> =>
  Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));

export async function deskStatus(db: Tx): Promise<DeskStatus> {
  const [outbox, inbound, timers, oldest, failed] = await Promise.all([
    db('outbox').groupBy('status').select('status', db.raw('count(*) as n')) as Promise<{ status: string; n: number }[]>,
    db('inbound_messages').groupBy('status').select('status', db.raw('count(*) as n')) as Promise<{ status: string; n: number }[]>,
    db('deadlines').where({ status: 'pending' }).count('* as n').first() as Promise<{ n: number | string } | undefined>,
    db('outbox').whereIn('status', ['pending', 'retrying']).min('created_at as at').first() as Promise<{ at: Date | null } | undefined>,
    db({ o: 'outbox' }).leftJoin({ t: 'tickets' }, 't.id', 'o.ticket_id').whereIn('o.status', ['failed', 'bounced', 'retrying'])
      .orderBy('o.id', 'desc').limit(50)
      .select('o.id', 'o.template', 'o.to_email', 'o.status', 'o.attempts', 'o.last_error', 'o.next_attempt_at', 'o.created_at', 'o.sent_at', 't.ref') as Promise<(SentEmail & { ref: string | null })[]>,
  ]);
  return { outbox: counts(outbox), inbound: counts(inbound), pendingTimers: Number(timers?.n ?? 0), oldestUnsent: oldest?.at ?? null, failed };
}
