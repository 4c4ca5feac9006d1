import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunningServices, startServices, stopServices } from '../../scripts/services.ts';

// pg ships no type declarations; this is the part of its API the test uses.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as { Client: new (config: { connectionString: string }) => PgClient };

const name = `svc-test-${String(process.pid)}`;
const password = 'test-password';

/** Alive and not a zombie (an orphan's exit may not be reaped at once). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('private services (scripts/services.ts)', () => {
  afterAll(async () => {
    await stopServices(name); // only does something if a test failed before stop()
  });

  it('starts PostgreSQL, Redis and Dovecot, delivers over LMTP, reads over IMAP, stops by PID', async () => {
    const services = await startServices({ name, mailboxes: ['core@example.test'], password });
    const { env, pids } = services;
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/tasaeed$/);
    expect(env.REDIS_URL).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(env.IMAP_HOST).toBe('127.0.0.1');
    expect((await readRunningServices(name))?.pids).toEqual(pids);

    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.end();
    }

    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }

    const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: Number(env.LMTP_PORT), lmtp: true, ignoreTLS: true });
    const subject = `services test ${String(Date.now())}`;
    const sent = await lmtp.sendMail({
      from: 'customer@example.net',
      to: 'core+finance@example.test',
      subject,
      text: 'مرحبا — hello',
    });
    expect(sent.accepted).toEqual(['core+finance@example.test']);

    const imap = new ImapFlow({
      host: env.IMAP_HOST,
      port: Number(env.IMAP_PORT),
      secure: false,
      auth: { user: 'core@example.test', pass: password },
      logger: false,
    });
    await imap.connect();
    try {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const subjects: string[] = [];
        for await (const message of imap.fetch('1:*', { envelope: true })) subjects.push(message.envelope?.subject ?? '');
        expect(subjects).toEqual([subject]);
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }

    await services.stop();
    for (const pid of Object.values(pids)) expect(running(pid)).toBe(false);
    expect(existsSync(services.dir)).toBe(false);
    expect(await readRunningServices(name)).toBeUndefined();
  }, 60_000);

  it('adds a mailbox that can log in as soon as addMailboxes resolves', async () => {
    const svc = await startServices({ name, mailboxes: [], password });
    try {
      await svc.addMailboxes(['New@Example.test', 'new@example.test']);
      await svc.addMailboxes(['new@example.test']); // idempotent
      const imap = new ImapFlow({
        host: svc.env.IMAP_HOST,
        port: Number(svc.env.IMAP_PORT),
        secure: false,
        auth: { user: 'new@example.test', pass: password },
        logger: false,
      });
      await imap.connect();
      expect(await imap.status('INBOX', { messages: true })).toMatchObject({ messages: 0 });
      await imap.logout();
    } finally {
      await svc.stop();
    }
  }, 60_000);

  it('starts two instances concurrently without port collisions', async () => {
    const [a, b] = await Promise.all([
      startServices({ name: `${name}-a`, mailboxes: ['core@example.test'], password }),
      startServices({ name: `${name}-b`, mailboxes: ['core@example.test'], password }),
    ]);
    try {
      const ports = [a, b].flatMap((s) => [new URL(s.env.DATABASE_URL).port, new URL(s.env.REDIS_URL).port, s.env.IMAP_PORT, s.env.LMTP_PORT]);
      expect(new Set(ports).size).toBe(8);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});
