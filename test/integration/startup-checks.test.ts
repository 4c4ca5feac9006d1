/**
 * `tasaeed start` with a bad setting exits non-zero within seconds, naming the setting and the service, instead of
 * running its workers and retrying for ever. Each case runs the real daemon against the shared test services.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Installation } from '../support/harness.ts';

describe('start-up checks', () => {
  let inst: Installation;
  beforeAll(async () => {
    inst = await Installation.create('boot', [{ after: '1h', notify: ['general_manager'] }]);
    await inst.cli(['migrate']);
  });
  afterAll(async () => { await inst.close(); });

  const start = async (env: Record<string, string>) => {
    const t0 = Date.now();
    const r = await inst.cli(['start'], { STARTUP_TIMEOUT: '5s', ...env });
    return { ...r, seconds: (Date.now() - t0) / 1000 };
  };

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/tasaeed' }, /DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/],
    ['REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:1' }, /REDIS_URL: cannot connect to Redis at 127\.0\.0\.1:1 \(ECONNREFUSED\)/],
    ['IMAP_HOST', { IMAP_PORT: '1' }, /IMAP_HOST: cannot connect to the IMAP server at 127\.0\.0\.1:1 \(ECONNREFUSED\)/],
    ['IMAP_PASSWORD', { IMAP_PASSWORD: 'wrong' }, /IMAP_PASSWORD: the IMAP server at 127\.0\.0\.1:\d+ refused the login of core@\S+ \(AUTHENTICATIONFAILED\)/],
    ['IMAP_MAILBOX', { IMAP_MAILBOX: 'NoSuchFolder' }, /IMAP_MAILBOX: cannot open "NoSuchFolder"/],
    ['SMTP_HOST', { SMTP_PORT: '1' }, /SMTP_HOST: cannot connect to the LMTP server at 127\.0\.0\.1:1 \(ECONNREFUSED\)/],
  ])('exits 1 naming %s', async (_name, env, message) => {
    const r = await start(env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message and a hint, not a stack trace
    expect(r.stderr).not.toContain(inst.environment.IMAP_PASSWORD === undefined ? '\u0000' : `:${inst.environment.IMAP_PASSWORD}@`);
    expect(r.stderr).not.toContain('imap listening');
  });

  it('names every bad service in one run', async () => {
    const r = await start({ DATABASE_URL: 'postgres://u:secret-pw@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1', SMTP_PORT: '1' });
    expect(r.code).toBe(1);
    for (const setting of ['DATABASE_URL', 'REDIS_URL', 'SMTP_HOST']) expect(r.stderr).toContain(`${setting}: cannot connect`);
    expect(r.stderr).not.toContain('secret-pw');
  });

  it('names a missing or malformed setting without touching any service', async () => {
    const r = await start({ REPLY_SECRET: 'short', SEND_RETRY_FOR: 'forever' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/REPLY_SECRET: use at least 32 random characters/);
    expect(r.stderr).toMatch(/SEND_RETRY_FOR: "forever" is not a duration/);
    expect(r.stderr).toContain('[CONFIG_INVALID]');
  });
});
