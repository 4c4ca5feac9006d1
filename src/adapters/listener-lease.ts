/**
 * Which instance holds the IMAP listener: a PostgreSQL advisory lock held on a connection of its own. The lock
 * goes with the connection, so a holder that dies (even by SIGKILL) frees it at once, and one that loses its
 * database connection stops listening before another can take over: the server drops a silent peer after its
 * TCP keepalives fail (about 9 s, set for this session), and the holder itself gives up after one failed heartbeat.
 */
import pg from 'pg';
import { messageOf } from '../errors.ts';
import type { Logger } from './logger.ts';

/** The lock's key: one listener per database (an installation has its own database). */
const LOCK_SQL = `select pg_try_advisory_lock(hashtext('tasaeed.imap-listener')) as held`;

export interface LeaseEvents {
  /** This instance now holds the lease. */
  acquired(): Promise<void>;
  /** This instance no longer holds it (its connection failed or it is stopping). */
  lost(reason: string): Promise<void>;
}

export interface LeaseOptions {
  url: string;
  /** Between two attempts to take the lease, and between two heartbeats while holding it (default 2 s). */
  everyMs?: number;
}

export class ListenerLease {
  private client: pg.Client | undefined;
  private held = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LeaseOptions, private readonly events: LeaseEvents, private readonly log: Logger) {}

  /** A method, not a getter: callers ask again after each await. */
  holds(): boolean { return this.held; }

  start(): void {
    this.tick();
  }

  private tick(): void {
    this.round = this.step().catch((err: unknown) => { this.log.error({ err }, 'listener lease step failed'); })
      .finally(() => {
        if (!this.stopped) this.timer = setTimeout(() => { this.tick(); }, this.opts.everyMs ?? 2000);
      });
  }

  private async step(): Promise<void> {
    try {
      const client = this.client ?? await this.connect();
      if (this.held) {
        await client.query('select 1');
        return;
      }
      const r = await client.query<{ held: boolean }>(LOCK_SQL);
      if (r.rows[0]?.held === true) {
        this.held = true;
        this.log.info('this instance holds the IMAP listener');
        await this.events.acquired();
      }
    } catch (err) {
      await this.drop(`lost the database connection that holds the listener lease: ${messageOf(err)}`);
    }
  }

  private async connect(): Promise<pg.Client> {
    const timeout = this.opts.everyMs ?? 2000;
    const client = new pg.Client({
      connectionString: this.opts.url, connectionTimeoutMillis: timeout * 2, query_timeout: timeout * 2,
      keepAlive: true, application_name: 'tasaeed listener lease',
    });
    client.on('error', (err) => {
      // Reported by the next heartbeat; a pg client must have an error listener or the process dies.
      this.log.debug({ err }, 'listener lease connection error');
    });
    try {
      await client.connect();
      // The server notices a silent holder within ~9 s and frees the lock.
      await client.query('set tcp_keepalives_idle = 5; set tcp_keepalives_interval = 2; set tcp_keepalives_count = 2');
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private async drop(reason: string): Promise<void> {
    // The listener stops before the lock is let go, so two instances never listen at once.
    if (this.held) {
      this.held = false;
      if (reason !== 'stopping') this.log.warn({ reason }, 'this instance no longer holds the IMAP listener');
      await this.events.lost(reason);
    }
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await this.drop('stopping');
  }
}
