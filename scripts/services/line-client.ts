/** A tiny line-based TCP client, enough to read greetings, PING Redis and log in over IMAP. */
import { createConnection } from 'node:net';
import { LOOPBACK } from './ports.ts';

export interface LineConnection {
  readLine(): Promise<string>;
  send(text: string): void;
}

export async function talk<T>(port: number, timeoutMs: number, dialog: (conn: LineConnection) => Promise<T>): Promise<T> {
  const socket = createConnection({ host: LOOPBACK, port });
  socket.setEncoding('utf8');
  const lines: string[] = [];
  let buffer = '';
  let failure: Error | undefined;
  let waiter: { resolve: (line: string) => void; reject: (err: Error) => void } | undefined;
  const fail = (err: Error): void => {
    failure ??= err;
    const w = waiter;
    waiter = undefined;
    w?.reject(failure);
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, i).replace(/\r$/, ''));
      buffer = buffer.slice(i + 1);
    }
    const line = lines.shift();
    if (line === undefined) return;
    const w = waiter;
    if (w === undefined) {
      lines.unshift(line);
      return;
    }
    waiter = undefined;
    w.resolve(line);
  });
  socket.on('error', fail);
  socket.on('close', () => {
    fail(new Error('connection closed'));
  });
  const timer = setTimeout(() => {
    fail(new Error(`no answer within ${String(timeoutMs)} ms`));
    socket.destroy();
  }, timeoutMs);
  const conn: LineConnection = {
    readLine: () =>
      new Promise<string>((resolveLine, reject) => {
        const line = lines.shift();
        if (line !== undefined) resolveLine(line);
        else if (failure !== undefined) reject(failure);
        else waiter = { resolve: resolveLine, reject };
      }),
    send: (text) => {
      socket.write(text);
    },
  };
  try {
    return await dialog(conn);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** The first line a server sends, or undefined when nothing answers on `port` yet. */
export async function greetingOf(port: number): Promise<string | undefined> {
  try {
    return await talk(port, 2_000, (conn) => conn.readLine());
  } catch {
    return undefined;
  }
}
