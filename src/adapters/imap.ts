/**
 * Listens to one mailbox with IMAP IDLE (push, no polling loop). New messages are fetched with BODY.PEEK[]
 * (never marked \Seen before they are committed), handed over in UID order, and flagged \Seen only after.
 */
import { ImapFlow } from 'imapflow';
import { fetchChunk, fetchLimits, fetchSizes, type FetchedMessage } from './imap-fetch.ts';
import { planFetch } from './imap-fetch-plan.ts';
import type { Logger } from './logger.ts';

export type { FetchedMessage } from './imap-fetch.ts';

export interface MailboxSession {
  mailbox: string;
  uidValidity: number;
}

export interface ImapOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  /** Messages over this are fetched as their header section only (default 25 MB). */
  maxMessageBytes?: number | undefined;
}

export interface ListenerHooks {
  /** Returns the last UID already stored for this mailbox and UIDVALIDITY. */
  cursor(session: MailboxSession): Promise<number>;
  /** Stores and processes a batch; returns the UIDs that may now be flagged \Seen. */
  deliver(session: MailboxSession, messages: FetchedMessage[]): Promise<number[]>;
}

export class ImapListener {
  private client: ImapFlow | undefined;
  private running = false;
  private draining: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ImapOptions, private readonly hooks: ListenerHooks, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.running = true;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new ImapFlow({
      host: this.opts.host, port: this.opts.port, secure: this.opts.secure,
      auth: { user: this.opts.user, pass: this.opts.password }, logger: false, emitLogs: false,
      tls: { rejectUnauthorized: false },
      // imapflow waits 15 s of silence before it IDLEs; we want push within a second of delivery.
      autoIdleDelay: 20,
    });
    client.on('error', (err: Error) => { this.log.warn({ err: err.message }, 'imap error'); });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      if (this.running) this.scheduleReconnect();
    });
    client.on('exists', () => { this.kick(); });
    await client.connect();
    const box = await client.mailboxOpen(this.opts.mailbox);
    this.client = client;
    this.log.info({ mailbox: this.opts.mailbox, uidValidity: Number(box.uidValidity), exists: box.exists }, 'imap listening (IDLE)');
    this.kick();
  }

  private scheduleReconnect(delay = 1000): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((err: unknown) => {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'imap reconnect failed');
        this.scheduleReconnect(Math.min(delay * 2, 30_000));
      });
    }, delay);
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
        } catch (err) {
          this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'imap fetch failed; will retry on the next notification');
        }
      } while (this.repeat());
      this.busy = false;
    })();
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
    // Collect first, act after: no IMAP commands inside the fetch loop.
    const fetchPlanned = (chunk: (typeof chunks)[number]): Promise<FetchedMessage[]> => fetchChunk(client, chunk, sizes, limits);
    let next: Promise<FetchedMessage[]> | undefined = chunks[0] === undefined ? undefined : fetchPlanned(chunks[0]);
    for (let k = 0; next !== undefined; k += 1) {
      const batch: FetchedMessage[] = await next;
      // The next chunk crosses the network while this one is stored and processed (imapflow queues the commands).
      const following = chunks[k + 1];
      next = following === undefined ? undefined : fetchPlanned(following);
      if (next !== undefined) void next.catch(() => undefined); // a failed round must not leave an unhandled rejection
      const done = await this.hooks.deliver(session, batch);
      if (done.length > 0) await client.messageFlagsAdd(done.join(','), ['\\Seen'], { uid: true });
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    await this.draining;
    await this.client?.logout().catch(() => undefined);
    this.client = undefined;
  }
}
