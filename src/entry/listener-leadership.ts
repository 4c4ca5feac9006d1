/**
 * Runs the IMAP listener on whichever instance holds the listener lease, and only there. The holder reports
 * the session's state into ServiceHealth (readiness, metrics) and into the listener_state row (`tasaeed status`
 * and alerts on every instance).
 */
import type { ImapListener, ImapOptions, ListenerObserver } from '../adapters/imap.ts';
import { ListenerLease } from '../adapters/listener-lease.ts';
import { writeListenerState, type ListenerState } from '../adapters/listener-state-store.ts';
import type { ServiceHealth } from '../adapters/service-health.ts';
import type { AppDeps } from '../app/deps.ts';
import { messageOf } from '../errors.ts';
import { createImapListener } from './imap-listener.ts';
import type { IngestDriver } from './ingest-driver.ts';

const HEARTBEAT_MS = 5000;
const RESTART_MS = 5000;

export interface ListenerLeadership {
  readonly leader: boolean;
  /** The IMAP session is open and selected (only ever on the leader). */
  readonly connected: boolean;
  readonly unfetched: number | null;
  /** Look for new mail now (the safety scan); nothing on an instance that does not hold the lease. */
  kick(): void;
  stop(): Promise<void>;
}

export function startListenerLeadership(deps: AppDeps, o: {
  databaseUrl: string; imap: ImapOptions; health: ServiceHealth; driver: IngestDriver; instance: string; leaseEveryMs?: number;
}): ListenerLeadership {
  let listener: ImapListener | undefined;
  let state: ListenerState | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let restart: NodeJS.Timeout | undefined;

  const save = (): void => {
    if (state === undefined) return;
    state.heartbeatAt = deps.clock.now();
    writeListenerState(deps.db, state).catch((err: unknown) => { deps.log.debug({ err }, 'could not record the listener state'); });
  };
  const setConnected = (connected: boolean, err?: unknown): void => {
    if (state === undefined) return;
    if (state.connected !== connected) { state.connected = connected; state.changedAt = deps.clock.now(); }
    if (err !== undefined) state.lastError = messageOf(err);
    save();
  };
  // The listener reports into ServiceHealth itself; this keeps the shared row for `status` and the alerts.
  const observe: ListenerObserver = {
    connected() { setConnected(true); },
    disconnected(err) { setConnected(false, err); },
    notified() { if (state !== undefined) state.lastIdleAt = deps.clock.now(); },
    unfetched(count) { if (state !== undefined) state.unfetched = count; },
  };

  const begin = async (): Promise<void> => {
    restart = undefined;
    if (!lease.holds() || listener !== undefined) return;
    const l = createImapListener(deps, o.imap, o.health, o.driver, observe);
    listener = l;
    try {
      await l.start();
    } catch (err) {
      // The first connection failed (later ones the listener retries itself): try again while we hold the lease.
      o.health.failed('imap', err, 'new mail');
      observe.disconnected(err);
      listener = undefined;
      await l.stop();
      if (lease.holds()) restart = setTimeout(() => { void begin(); }, RESTART_MS);
    }
  };

  const lease = new ListenerLease({ url: o.databaseUrl, ...(o.leaseEveryMs === undefined ? {} : { everyMs: o.leaseEveryMs }) }, {
    async acquired() {
      const at = deps.clock.now();
      state = { holder: o.instance, acquiredAt: at, heartbeatAt: at, connected: false, changedAt: at, lastIdleAt: null, lastError: null, unfetched: null };
      save();
      heartbeat = setInterval(save, HEARTBEAT_MS);
      heartbeat.unref();
      await begin();
    },
    async lost() {
      clearInterval(heartbeat);
      clearTimeout(restart);
      state = undefined;
      const l = listener;
      listener = undefined;
      await l?.stop();
    },
  }, deps.log);
  lease.start();

  return {
    get leader() { return lease.holds(); },
    get connected() { return listener !== undefined && state?.connected === true; },
    get unfetched() { return state?.unfetched ?? null; },
    kick() { listener?.kick(); },
    stop: () => lease.stop(),
  };
}
