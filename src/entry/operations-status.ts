/**
 * One picture of a running installation, from the database, the queues and a round of service checks: what
 * `tasaeed status` prints. Degraded when a check fails (a service, or no instance listening to the mailbox) or
 * an incident is open.
 */
import { recentIncidents, openIncidents, type Incident } from '../adapters/incident-store.ts';
import { loadListenerState, type ListenerState } from '../adapters/listener-state-store.ts';
import { mailFlowFigures, type MailFlowFigures } from '../adapters/mail-flow-figures.ts';
import type { Queues } from '../adapters/queue.ts';
import type { ServiceHealth } from '../adapters/service-health.ts';
import { within } from '../adapters/time-limit.ts';
import type { AppDeps } from '../app/deps.ts';
import { readiness, type Readiness } from './http/health.ts';

/** A holder that has not written its heartbeat for this long is gone (it writes every 5 s). */
export const LISTENER_STALE_MS = 15_000;

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

export interface OperationsStatus {
  status: 'ok' | 'degraded';
  checks: Readiness['checks'];
  listener: (Omit<ListenerState, 'holder'> & { leader: string; stale: boolean }) | null;
  queues: Record<string, Record<string, number>>;
  outbox: MailFlowFigures['outbox'] & { oldestUnsentAt: Date | null; oldestUnsentSeconds: number };
  timers: { overdue: number; oldestDueAt: Date | null; lagSeconds: number; pending: Record<string, number> };
  reports: MailFlowFigures['reports'];
  quarantine: { count: number; storedUnprocessed: number };
  incidents: { open: Incident[]; recent: Incident[] };
}

const ageSeconds = (from: Date | null, now: Date): number => from === null ? 0 : Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));

function listenerView({ holder, ...rest }: ListenerState, stale: boolean): NonNullable<OperationsStatus['listener']> {
  return { ...rest, leader: holder, stale };
}

export async function operationsStatus(deps: AppDeps, queues: Queues, health: ServiceHealth): Promise<OperationsStatus> {
  const now = deps.clock.now();
  const [figures, state, open, recent, counts] = await Promise.all([
    mailFlowFigures(deps.db, now), loadListenerState(deps.db), openIncidents(deps.db), recentIncidents(deps.db, 10),
    within(3000, 'Redis', Promise.all([queues.outbound, queues.deadlines, queues.reports, queues.reviews]
      .map(async (q) => [q.name, await q.getJobCounts(...JOB_STATES)] as const))).catch(() => []),
  ]);
  const stale = state === undefined || now.getTime() - state.heartbeatAt.getTime() > LISTENER_STALE_MS;
  const listening = !stale && state.connected;
  // This process is no listener: the IMAP check is whether the holder says its session is open.
  const checks = readiness({ health, leader: () => false }).checks;
  checks.imap = { ok: listening, lastSuccess: listening ? state.heartbeatAt.toISOString() : null,
    lastError: listening ? null : state === undefined ? 'no instance has held the IMAP listener yet' : stale ? `no heartbeat from ${state.holder} since ${state.heartbeatAt.toISOString()}` : state.lastError ?? 'not connected' };
  const healthy = Object.values(checks).every((c) => c.ok) && open.length === 0;
  return {
    status: healthy ? 'ok' : 'degraded',
    checks,
    listener: state === undefined ? null : listenerView(state, stale),
    queues: Object.fromEntries(counts),
    outbox: { ...figures.outbox, oldestUnsentAt: figures.oldestUnsentAt, oldestUnsentSeconds: ageSeconds(figures.oldestUnsentAt, now) },
    timers: { overdue: figures.overdueTimers.count, oldestDueAt: figures.overdueTimers.oldestDueAt, lagSeconds: ageSeconds(figures.overdueTimers.oldestDueAt, now), pending: figures.deadlinesPending },
    reports: figures.reports,
    quarantine: { count: figures.quarantined, storedUnprocessed: figures.storedUnprocessed },
    incidents: { open, recent },
  };
}
