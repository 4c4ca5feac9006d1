/**
 * A real SMTP server (smtp-server, the Nodemailer project's) in front of the private Dovecot: what it accepts it
 * delivers over LMTP, so recipients read it over IMAP. A test can take it down (nothing listens on its port),
 * bring it back on the same port, make it refuse some recipients for good (550), as a mail server does, or hold
 * every message it has received until the test lets it go (then it delivers and answers 250): the moment just
 * before the server's acceptance, which a fault test widens on purpose. A held message whose client has gone by
 * then is discarded, never delivered: the server never said it took it.
 */
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../scripts/services/ports.ts';

export class SmtpRelay {
  private server: SMTPServer | undefined;
  /** Recipients answered with 550 5.1.1. */
  readonly refused = new Set<string>();
  accepted = 0;
  /** The Message-ID of each message accepted, in order (a resend shows up twice). */
  readonly acceptedIds: string[] = [];
  /** When (epoch ms) the 250 for each Message-ID was given, the last time it was accepted. */
  readonly acceptedAt = new Map<string, number>();
  /** Messages received in full and waiting for `release()` before they are delivered and answered. */
  held = 0;
  /** Held messages dropped because their client disconnected before the answer. */
  discarded = 0;
  private readonly closed = new Set<string>();
  private gate: { opened: Promise<void>; open: () => void } | undefined;

  private constructor(readonly port: number, private readonly lmtpPort: number) {}

  static async create(lmtpPort: number): Promise<SmtpRelay> {
    return new SmtpRelay(await freePort(), lmtpPort);
  }

  get listening(): boolean { return this.server !== undefined; }

  /** From now on each message waits, after its final dot, until `release()`. */
  hold(): void {
    if (this.gate !== undefined) return;
    let open = (): void => undefined;
    const opened = new Promise<void>((r) => { open = r; });
    this.gate = { opened, open };
  }

  /** Delivers and accepts every held message, and stops holding. */
  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  async up(): Promise<void> {
    if (this.server !== undefined) return;
    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: this.lmtpPort, lmtp: true, ignoreTLS: true });
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false, banner: 'tasaeed test relay',
      onRcptTo: (address, _session, cb) => {
        if (this.refused.has(address.address.toLowerCase())) {
          cb(Object.assign(new Error('5.1.1 <' + address.address + '>: Recipient address rejected: User unknown'), { responseCode: 550 }));
          return;
        }
        cb();
      },
      onClose: (session) => { this.closed.add(session.id); },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          const gate = this.gate?.opened ?? Promise.resolve();
          this.held += 1;
          gate.then(async () => {
            this.held -= 1;
            if (this.closed.has(session.id)) {
              this.discarded += 1;
              throw new Error('the client disconnected before the answer');
            }
            await relay.sendMail({ envelope: { from, to }, raw: Buffer.concat(chunks) });
          }).then(() => {
            this.accepted += 1;
            // a long Message-ID (ours carry the reply token) is folded onto the next line: CFWS may hold a line break
            const id = /^message-id:\s*(<[^>\r\n]*>)/im.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? '';
            this.acceptedIds.push(id);
            this.acceptedAt.set(id, Date.now());
            cb();
          }, (err: unknown) => { cb(Object.assign(new Error(`4.3.0 relay failed: ${String(err)}`), { responseCode: 451 })); });
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => { resolve(); });
    });
    server.on('error', () => undefined);
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((r) => { server.close(() => { r(); }); });
  }
}
