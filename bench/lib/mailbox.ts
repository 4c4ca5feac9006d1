/** Putting mail into a mailbox the way a mail server does (IMAP APPEND), over several connections at once. */
import type { ImapFlow } from 'imapflow';
import { now } from './timing.ts';

/** APPENDs every message to INBOX over `connections` parallel sessions; returns the elapsed milliseconds. */
export async function appendAll(open: () => ImapFlow, raws: readonly Buffer[], connections = 4): Promise<number> {
  const clients = Array.from({ length: Math.max(1, Math.min(connections, raws.length)) }, open);
  await Promise.all(clients.map((c) => c.connect()));
  const t0 = now();
  try {
    let next = 0;
    await Promise.all(clients.map(async (c) => {
      while (next < raws.length) {
        const raw = raws[next++];
        if (raw !== undefined) await c.append('INBOX', raw);
      }
    }));
    return now() - t0;
  } finally {
    await Promise.all(clients.map((c) => c.logout().catch(() => undefined)));
  }
}
