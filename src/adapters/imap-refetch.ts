/**
 * Fetches one message whole from the mailbox, for a message that was stored as its header section alone because it
 * was over MAX_MESSAGE_BYTES (`tasaeed quarantine retry` after the limit was raised). Read-only: flags untouched.
 */
import { ImapFlow } from 'imapflow';
import type { ImapConnection } from './mail-connection.ts';

/** Host, TLS and sign-in (password or an OAuth2 token) as the listener uses them (mail-connection.ts). */
export type ImapAccount = ImapConnection;

export interface MessagePlace {
  mailbox: string;
  uidvalidity: number;
  uid: number;
}

/** The whole message, or undefined when it is no longer there (expunged, or the mailbox's UIDVALIDITY changed). */
export async function fetchWholeMessage(account: ImapAccount, where: MessagePlace): Promise<Buffer | undefined> {
  const client = new ImapFlow({
    ...account, logger: false, emitLogs: false,
  });
  await client.connect();
  try {
    const box = await client.mailboxOpen(where.mailbox, { readOnly: true });
    if (Number(box.uidValidity) !== where.uidvalidity) return undefined;
    const msg = await client.fetchOne(String(where.uid), { uid: true, source: true }, { uid: true });
    return msg === false ? undefined : msg.source;
  } finally {
    await client.logout().catch(() => undefined);
  }
}
