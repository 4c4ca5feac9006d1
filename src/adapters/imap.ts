/**
 * Listens to one mailbox with IMAP IDLE (push, no polling loop). New messages are fetched with BODY.PEEK[]
 * (never marked \Seen before they are committed), handed over in UID order, and flagged \Seen only after.
 */
import { ImapFlow } from 'imapflow';
import type { Logger } from './logger.ts';
import { certificateProblem, type ImapConnector } from './mail-connection.ts';

/** Messages per FETCH: the next chunk is fetched while the previous one is processed. */
const FETCH_CHUNK = 200;

export interface FetchedMessage {
  uid: number;
  raw: Buffer;
}

export interface MailboxSession {
  mailbox: string;
  uidValidity: number;
}

export interface ImapOptions {
  /** Host, port, TLS and sign-in for each (re)connect (mail-connection.ts): a fresh OAuth2 token every time. */
  connection: ImapConnector;
  mailbox: string;
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
  /** The server refused the last sign-in: ask for a new OAuth2 token, not the cached one. */
  private renewToken = false;

  constructor(private readonly opts: ImapOptions, private readonly hooks: ListenerHooks, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.running = true;
    // a failed first connect (refused certificate or sign-in) is the caller's to report: no reconnect loop behind it
    await this.connect().catch(async (err: unknown) => { await this.stop(); throw err; });
  }

  private async connect(): Promise<void> {
    const client = new ImapFlow({
      ...await this.opts.connection(this.renewToken), logger: false, emitLogs: false,
      // imapflow waits 15 s of silence before it IDLEs; we want push within a second of delivery.
      autoIdleDelay: 20,
    });
    client.on('error', (err: Error) => { this.log.warn({ err: err.message }, 'imap error'); });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      if (this.running) this.scheduleReconnect();
    });
    client.on('exists', () => { this.kick(); });
    await client.connect().catch((err: unknown) => {
      this.renewToken = (err as { authenticationFailed?: unknown }).authenticationFailed === true;
      throw certificateProblem(err, 'imap') ?? err;
    });
    this.renewToken = false;
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
    const found = await client.search({ uid: `${after + 1}:*` }, { uid: true });
    const uids = (found === false || found === undefined ? [] : found).filter((u) => u > after).sort((x, y) => x - y);
    const chunks: number[][] = [];
    for (let i = 0; i < uids.length; i += FETCH_CHUNK) chunks.push(uids.slice(i, i + FETCH_CHUNK));
    // Collect first, act after: no IMAP commands inside the fetch loop.
    const fetchChunk = async (list: number[]): Promise<FetchedMessage[]> => {
      const batch: FetchedMessage[] = [];
      for await (const msg of client.fetch(list.join(','), { uid: true, source: true }, { uid: true })) {
        if (msg.source !== undefined) batch.push({ uid: msg.uid, raw: msg.source });
      }
      return batch.sort((x, y) => x.uid - y.uid);
    };
    let next: Promise<FetchedMessage[]> | undefined = chunks[0] === undefined ? undefined : fetchChunk(chunks[0]);
    for (let k = 0; next !== undefined; k += 1) {
      const batch: FetchedMessage[] = await next;
      // The next chunk crosses the network while this one is stored and processed (imapflow queues the commands).
      const following = chunks[k + 1];
      next = following === undefined ? undefined : fetchChunk(following);
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
