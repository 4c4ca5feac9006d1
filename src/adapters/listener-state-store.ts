/** The IMAP listener's state as the instance holding it reports it (one row), for `status` and alerts on any instance. */
import type { Db } from './db.ts';

export interface ListenerState {
  holder: string;
  acquiredAt: Date;
  heartbeatAt: Date;
  connected: boolean;
  /** When `connected` last changed. */
  changedAt: Date;
  lastIdleAt: Date | null;
  lastError: string | null;
  unfetched: number | null;
}

interface Row {
  id: number; holder: string; acquired_at: Date; heartbeat_at: Date; connected: boolean; changed_at: Date;
  last_idle_at: Date | null; last_error: string | null; unfetched: number | null;
}

export async function writeListenerState(db: Db, s: ListenerState): Promise<void> {
  await db('listener_state').insert({
    id: 1, holder: s.holder, acquired_at: s.acquiredAt, heartbeat_at: s.heartbeatAt, connected: s.connected,
    changed_at: s.changedAt, last_idle_at: s.lastIdleAt, last_error: s.lastError?.slice(0, 2000) ?? null, unfetched: s.unfetched,
  }).onConflict('id').merge();
}

export async function loadListenerState(db: Db): Promise<ListenerState | undefined> {
  const r = await db<Row>('listener_state').where({ id: 1 }).first();
  return r === undefined ? undefined : {
    holder: r.holder, acquiredAt: r.acquired_at, heartbeatAt: r.heartbeat_at, connected: r.connected,
    changedAt: r.changed_at, lastIdleAt: r.last_idle_at, lastError: r.last_error, unfetched: r.unfetched,
  };
}
