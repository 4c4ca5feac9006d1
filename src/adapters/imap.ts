/**
 * Listens to one mailbox with IMAP IDLE (push, no polling loop). New messages are fetched with BODY.PEEK[]
 * (never marked \Seen before they are committed), handed over in UID order, and flagged \Seen only after.
 */
import { ImapFlow } from 'imapflow';
import { backoffDelay } from '../domain/backoff.ts';
import { TasaeedError } from '../errors.ts';
import { fetchChunk, fetchLimits, fetchSizes, type FetchedMessage } from './imap-fetch.ts';
import { planFetch } from './imap-fetch-plan.ts';
import type { Logger } from './logger.ts';
import { certificateProblem, type ImapConnector } from './mail-connection.ts';
import type { ServiceHealth } from './service-health.ts';

export type { FetchedMessage } from './imap-fetch.ts';

export interface MailboxSession {
  mailbox: string;
  uidValidity: number;
}

export interface ImapOptions {
  /** Host, port, TLS and sign-in for each (re)connect (mail-connection.ts): a fresh OAuth2 token every time. */
  connection: ImapConnector;
  mailbox: string;
  /** Messages over this are fetched as their header section only (default 25 MB). */
  maxMessageBytes?: number | undefined;
}

export interface ListenerHooks {
  /** Returns the last UID already stored for this mailbox and UIDVALIDITY. */
  cursor(session: MailboxSession): Promise<number>;
  /** Stores and processes a batch; returns the UIDs that may now be flagged \Seen. */
  deliver(session: MailboxSession, messages: FetchedMessage[]): Promise<number[]>;
  /** What operators see (the listener state row, `tasaeed status`, metrics). */
  observe?: ListenerObserver;
}

export interface ListenerObserver {
  connected(): void;
  disconnected(err: unknown): void;
  /** The server pushed a change to the mailbox while we IDLEd. */
  notified(): void;
  /** Messages found in the mailbox and not yet fetched and stored. */
  unfetched(count: number): void;
}

/** Thrown by a hook when its own service (PostgreSQL) failed: already reported there, not an IMAP problem. */
export class HookFailure extends Error {
  constructor(readonly original: unknown) {
    super('a listener hook failed', { cause: original });
  }
}

const MAX_RETRY_MS = 30_000;

export class ImapListener {
  private client: ImapFlow | undefined;
  private running = false;
  private draining: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private fetchRetry: NodeJS.Timeout | undefined;
  private fetchFailures = 0;
  private connectFailures = 0;
  /** The server refused the last sign-in: ask for a new OAuth2 token, not the cached one. */
  private renewToken = false;
  /** The code of the last refusal logged (a revoked grant, a refused certificate), so each is said once, loudly. */
  private refusal: string | undefined;

  constructor(private readonly opts: ImapOptions, private readonly hooks: ListenerHooks, private readonly log: Logger,
    private readonly health: ServiceHealth) {}

  async start(): Promise<void> {
    this.running = true;
    // a failed first connect (refused certificate or sign-in) is the caller's to report: no reconnect loop behind it
    await this.connect().catch(async (err: unknown) => { await this.stop(); throw err; });
  }

  /** True while a session is open and usable (for health checks). */
  get connected(): boolean {
    return this.client?.usable ?? false;
  }

  private async connect(): Promise<void> {
    const client = new ImapFlow({
      // a token refused by the authorization server throws here, and reconnecting backs off like any outage
      ...await this.opts.connection(this.renewToken), logger: false, emitLogs: false,
      // imapflow waits 15 s of silence before it IDLEs; we want push within a second of delivery.
      autoIdleDelay: 20,
    });
    // A socket error is followed by 'close', which reconnects; the outage is reported there, once.
    client.on('error', (err: Error) => { this.log.debug({ err }, 'imap connection error'); });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      if (this.running) {
        const err = new Error('the IMAP connection closed');
        this.health.failed('imap', err, 'new mail');
        this.hooks.observe?.disconnected(err);
        this.scheduleReconnect();
      }
    });
    client.on('exists', () => { this.hooks.observe?.notified(); this.kick(); });
    try {
      await client.connect().catch((err: unknown) => {
        this.renewToken = (err as { authenticationFailed?: unknown }).authenticationFailed === true;
        throw certificateProblem(err, 'imap') ?? err;
      });
      this.renewToken = false;
      const box = await client.mailboxOpen(this.opts.mailbox);
      if (!this.running) { await client.logout().catch(() => undefined); return; }
      this.client = client;
      this.connectFailures = 0;
      this.refusal = undefined;
      this.health.ok('imap');
      this.hooks.observe?.connected();
      this.log.info({ mailbox: this.opts.mailbox, uidValidity: Number(box.uidValidity), exists: box.exists }, 'imap listening (IDLE)');
    } catch (err) {
      client.close();
      throw err;
    }
    this.kick();
  }

  private scheduleReconnect(): void {
    if (this.retryTimer !== undefined || !this.running) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((err: unknown) => {
        this.connectFailures += 1;
        this.health.failed('imap', err, 'new mail');
        this.hooks.observe?.disconnected(err);
        this.reportRefusal(err);
        this.scheduleReconnect();
      });
    }, backoffDelay(this.connectFailures + 1, 1000, MAX_RETRY_MS));
  }

  /** An outage is logged once; a refusal someone must fix (token, login, certificate) also names its setting once. */
  private reportRefusal(err: unknown): void {
    if (!(err instanceof TasaeedError) || err.transient || this.refusal === err.code) return;
    this.refusal = err.code;
    this.log.error({ code: err.code, setting: err.setting, err: err.message, hint: err.hint }, `IMAP sign-in refused (${err.code}); retrying with backoff until ${err.setting ?? 'the setting'} is fixed`);
  }

  /** Fetches whatever is new; calls that arrive while a fetch runs are folded into one more round. */
  kick(): void {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    this.draining = (async () => {
      do {
        this.again = false;
        try {
          await this.fetchNew();
          this.fetchFailures = 0;
        } catch (err) {
          this.fetchFailures += 1;
          if (!(err instanceof HookFailure)) this.health.failed('imap', err, 'fetching new mail');
          this.retryFetch();
        }
      } while (this.repeat());
      this.busy = false;
    })();
  }

  /** After a failed round, try again with backoff instead of waiting for the next notification. */
  private retryFetch(): void {
    if (this.fetchRetry !== undefined || !this.running) return;
    this.fetchRetry = setTimeout(() => {
      this.fetchRetry = undefined;
      this.kick();
    }, backoffDelay(this.fetchFailures, 500, MAX_RETRY_MS));
  }

  /** True when a notification arrived during the last round. */
  private repeat(): boolean {
    return this.again && this.running;
  }

  private async fetchNew(): Promise<void> {
    const client = this.client;
    if (client === undefined || !client.usable) return;
    const box = client.mailbox;
    if (box === false) return;
    const session: MailboxSession = { mailbox: this.opts.mailbox, uidValidity: Number(box.uidValidity) };
    const after = await this.hooks.cursor(session);
    // Sizes first: a chunk is bounded in bytes, and a message over the limit never enters the heap whole.
    const sized = await fetchSizes(client, after);
    const limits = fetchLimits(this.opts.maxMessageBytes ?? 25 * 1024 * 1024);
    const chunks = planFetch(sized, limits);
    const sizes = new Map(sized.map((m) => [m.uid, m.size]));
    let unfetched = sized.length;
    this.hooks.observe?.unfetched(unfetched);
    // Collect first, act after: no IMAP commands inside the fetch loop.
    const fetchPlanned = (chunk: (typeof chunks)[number]): Promise<FetchedMessage[]> => fetchChunk(client, chunk, sizes, limits);
    let next: Promise<FetchedMessage[]> | undefined = chunks[0] === undefined ? undefined : fetchPlanned(chunks[0]);
    for (let k = 0; next !== undefined && this.running; k += 1) {
      const batch: FetchedMessage[] = await next;
      // The next chunk crosses the network while this one is stored and processed (imapflow queues the commands).
      const following = chunks[k + 1];
      next = following === undefined ? undefined : fetchPlanned(following);
      if (next !== undefined) void next.catch(() => undefined); // a failed round must not leave an unhandled rejection
      const done = await this.hooks.deliver(session, batch);
      unfetched -= batch.length;
      this.hooks.observe?.unfetched(Math.max(0, unfetched));
      if (done.length > 0) await client.messageFlagsAdd(done.join(','), ['\\Seen'], { uid: true });
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    if (this.fetchRetry !== undefined) clearTimeout(this.fetchRetry);
    await this.draining;
    await this.client?.logout().catch(() => undefined);
    this.client = undefined;
  }
}
