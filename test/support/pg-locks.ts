/**
 * Holding the daemon still at a chosen point with PostgreSQL's own locks: the test takes a lock the daemon's next
 * statement must wait on, sees that statement waiting in pg_stat_activity, and then kills the daemon there.
 */
import type { Knex } from 'knex';
import type { Db } from '../../src/adapters/db.ts';

export interface HeldLock {
  /** Rolls the test's transaction back: whatever waited on it goes on. */
  release(): Promise<void>;
}

/** Runs `sql` (e.g. `lock table tickets in share row exclusive mode`) in a transaction of its own, kept open. */
export async function holdLock(db: Db, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<HeldLock> {
  const trx = await db.transaction();
  try {
    await trx.raw(sql, bindings);
  } catch (err) {
    await trx.rollback();
    throw err;
  }
  return { release: async () => { if (!trx.isCompleted()) await trx.rollback(); } };
}

export interface LockWaiter { pid: number; query: string }

/** Other sessions of this database waiting on a heavyweight lock, with the statement each is stuck in. */
export async function lockWaiters(db: Db): Promise<LockWaiter[]> {
  const r = await db.raw(`select pid, query from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock' and state = 'active'`) as { rows: LockWaiter[] };
  return r.rows;
}

/** Ends these sessions, as a crash of the daemon's machine or a dropped connection would: what they ran is lost. */
export async function terminateSessions(db: Db, pids: readonly number[]): Promise<void> {
  for (const pid of pids) await db.raw('select pg_terminate_backend(?)', [pid]);
}
