/** Proof that a mailbox is usable: an IMAP LOGIN that Dovecot accepts. */
import { block, ServiceError } from './errors.ts';
import { fileText } from './files.ts';
import { talk } from './line-client.ts';
import { pollUntil } from './poll.ts';

const LOGIN_TIMEOUT_MS = 15_000;

function imapQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

async function imapLoginWorks(port: number, user: string, password: string): Promise<boolean> {
  try {
    return await talk(port, 10_000, async (conn) => {
      if (!(await conn.readLine()).startsWith('* OK')) return false;
      conn.send(`a1 LOGIN ${imapQuote(user)} ${imapQuote(password)}\r\n`);
      for (;;) {
        const line = await conn.readLine();
        if (!line.startsWith('a1 ')) continue;
        conn.send('a2 LOGOUT\r\n');
        return line.startsWith('a1 OK');
      }
    });
  } catch {
    return false;
  }
}

export async function waitForLogin(port: number, user: string, password: string, dovecotLog: string): Promise<void> {
  if (!(await pollUntil(() => imapLoginWorks(port, user, password), LOGIN_TIMEOUT_MS, 100))) {
    throw new ServiceError('dovecot', `IMAP login as ${user} on port ${String(port)} does not work${block('dovecot.log', await fileText(dovecotLog))}`);
  }
}
