/** Reads every message in a mailbox's INBOX over IMAP (read-only) and parses it: for the quickstart and the tests. */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { ConnectionOptions } from 'node:tls';

/** `tls`: how to check the server's certificate when it offers STARTTLS (e.g. `{ ca }` for a private CA). */
export async function readMailbox(o: { host: string; port: number; user: string; password: string; tls?: ConnectionOptions }): Promise<ParsedMail[]> {
  const client = new ImapFlow({ host: o.host, port: o.port, secure: false, auth: { user: o.user, pass: o.password }, logger: false, ...(o.tls === undefined ? {} : { tls: o.tls }) });
  await client.connect();
  try {
    const box = await client.mailboxOpen('INBOX', { readOnly: true });
    if (box.exists === 0) return [];
    const raws: Buffer[] = [];
    for await (const m of client.fetch('1:*', { source: true })) if (m.source !== undefined) raws.push(m.source);
    return await Promise.all(raws.map((r) => simpleParser(r)));
  } finally {
    await client.logout();
  }
}
