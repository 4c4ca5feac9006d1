/**
 * Repairs any difference between the truth in PostgreSQL and the alarm clocks in Redis. A full pass (at start, and
 * whenever Redis lost its jobs) re-adds a job for every pending outbox row and timer; deterministic job ids make that
 * a no-op for jobs that exist. The periodic pass only re-adds what is overdue, so it stays cheap with 1M timers.
 */
import { unsentOutboundIds } from '../adapters/outbox-store.ts';
import { pendingTimerPage, toTimer } from '../adapters/timer-store.ts';
import type { AppDeps } from './deps.ts';

const BATCH = 5000;
/** A timer this far past due without having fired has lost its job. */
const OVERDUE_MS = 30_000;

/** `signal` stops a long pass between two batches (a stop during the start-up pass); what was re-added stays. */
export async function reconcile(deps: AppDeps, mode: 'full' | 'periodic' = 'full', signal?: AbortSignal): Promise<{ mode: string; outbox: number; timers: number }> {
  const stopped = (): boolean => signal?.aborted === true;
  const full = mode === 'full' || !(await deps.scheduler.intact());
  const cutoff = new Date(deps.clock.now().getTime() - OVERDUE_MS);
  let timers = 0;
  for (let after = 0; ;) {
    if (stopped()) return { mode: 'stopped', outbox: 0, timers };
    const rows = await pendingTimerPage(deps.db, after, BATCH, full ? undefined : cutoff);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id ?? after;
    timers += rows.length;
    await deps.scheduler.schedule({ outboxIds: [], timers: rows.map(toTimer) });
  }
  const outboxIds = await unsentOutboundIds(deps.db, 100_000, full ? undefined : cutoff);
  for (let i = 0; i < outboxIds.length; i += BATCH) {
    if (stopped()) return { mode: 'stopped', outbox: i, timers };
    await deps.scheduler.schedule({ outboxIds: outboxIds.slice(i, i + BATCH), timers: [] });
  }
  if (full) await deps.scheduler.markRebuilt();
  return { mode: full ? 'full' : 'periodic', outbox: outboxIds.length, timers };
}
