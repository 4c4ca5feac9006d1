/**
 * What the database says about the flow of mail right now, for `/metrics`, `tasaeed status` and the mail-flow
 * alerts. Every query reads a partial index or a small table, so one round stays in milliseconds with a million
 * tickets (measured in `npm run bench -- --scenario metrics`).
 */
import type { Db } from './db.ts';

export const OUTBOX_STATUSES = ['pending', 'retrying', 'sent', 'failed', 'bounced'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface MailFlowFigures {
  outbox: Record<OutboxStatus, number>;
  /** Created time of the oldest email not yet sent (pending or retrying). */
  oldestUnsentAt: Date | null;
  /** Created time of the oldest email that is retrying (unsent since then). */
  oldestRetryingSince: Date | null;
  /** Emails that failed for good since the last time anyone could look (the last 24 h). */
  failedRecently: number;
  /** Pending timers whose due time has passed, and the due time of the oldest one. */
  overdueTimers: { count: number; oldestDueAt: Date | null };
  deadlinesPending: Record<string, number>;
  ticketsOpen: { level: number; department: string; count: number }[];
  /** Inbound messages stored and not processed yet. */
  storedUnprocessed: number;
  quarantined: number;
  reports: { kind: string; sent: number; lastPeriod: string | null; lastAt: Date | null }[];
}

/** The rows written by the hour before `now`: sent and bounced emails, for the bounce rate. */
export interface BounceWindow { sent: number; bounced: number }

const num = (v: unknown): number => Number(v ?? 0);

export async function mailFlowFigures(db: Db, now: Date): Promise<MailFlowFigures> {
  const [outbox, unsent, failed, overdue, deadlines, open, inbound, reports] = await Promise.all([
    db.raw(`select status, count(*) as n from outbox group by status`) as Promise<{ rows: { status: OutboxStatus; n: number }[] }>,
    db.raw(`select min(created_at) as oldest,
                   (select min(created_at) from outbox where status = 'retrying') as retrying
            from outbox where status in ('pending', 'retrying')`) as Promise<{ rows: { oldest: Date | null; retrying: Date | null }[] }>,
    db.raw(`select count(*) as n from outbox where status = 'failed' and coalesce(failed_at, created_at) > ?`, [new Date(now.getTime() - 86_400_000)]) as Promise<{ rows: { n: number }[] }>,
    db.raw(`select count(*) as n, min(due_at) as oldest from deadlines where status = 'pending' and due_at <= ?`, [now]) as Promise<{ rows: { n: number; oldest: Date | null }[] }>,
    db.raw(`select kind, count(*) as n from deadlines where status = 'pending' group by kind`) as Promise<{ rows: { kind: string; n: number }[] }>,
    db.raw(`select level, coalesce(department_key, '') as department, count(*) as n from tickets where resolved_at is null group by 1, 2`) as Promise<{ rows: { level: number; department: string; n: number }[] }>,
    db.raw(`select (select count(*) from inbound_messages where status = 'pending') as pending,
                   (select count(*) from inbound_messages where status = 'quarantined') as quarantined`) as Promise<{ rows: { pending: number; quarantined: number }[] }>,
    db.raw(`select distinct on (kind) kind, count(*) over (partition by kind) as n, period, created_at
            from report_runs order by kind, created_at desc`) as Promise<{ rows: { kind: string; n: number; period: string; created_at: Date }[] }>,
  ]);
  const byStatus = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const r of outbox.rows) byStatus[r.status] = num(r.n);
  return {
    outbox: byStatus,
    oldestUnsentAt: unsent.rows[0]?.oldest ?? null,
    oldestRetryingSince: unsent.rows[0]?.retrying ?? null,
    failedRecently: num(failed.rows[0]?.n),
    overdueTimers: { count: num(overdue.rows[0]?.n), oldestDueAt: overdue.rows[0]?.oldest ?? null },
    deadlinesPending: Object.fromEntries(deadlines.rows.map((r) => [r.kind, num(r.n)])),
    ticketsOpen: open.rows.map((r) => ({ level: r.level, department: r.department, count: num(r.n) })),
    storedUnprocessed: num(inbound.rows[0]?.pending),
    quarantined: num(inbound.rows[0]?.quarantined),
    reports: reports.rows.map((r) => ({ kind: r.kind, sent: num(r.n), lastPeriod: r.period, lastAt: r.created_at })),
  };
}

export async function bounceWindow(db: Db, since: Date): Promise<BounceWindow> {
  const r = await db.raw(`select (select count(*) from outbox where sent_at > ?) as sent,
                                 (select count(*) from outbox where bounced_at > ?) as bounced`, [since, since]) as { rows: { sent: number; bounced: number }[] };
  return { sent: num(r.rows[0]?.sent), bounced: num(r.rows[0]?.bounced) };
}

/** Emails that failed for good since `since`. */
export async function failedSince(db: Db, since: Date): Promise<number> {
  const r = await db.raw(`select count(*) as n from outbox where status = 'failed' and coalesce(failed_at, created_at) > ?`, [since]) as { rows: { n: number }[] };
  return num(r.rows[0]?.n);
}
