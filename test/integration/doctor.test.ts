/**
 * `tasaeed doctor` as an administrator runs it: against healthy services every check passes and it exits 0; with
 * each piece broken it exits 1 and names the failed check and the setting to fix, without printing a secret.
 * Real services: the shared test PostgreSQL/Redis/Dovecot, a private Redis that may evict, and a private Dovecot
 * without plus addressing for the round trip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/entry/doctor.ts';
import { freePort } from '../../scripts/services/ports.ts';
import { Installation, PASSWORD, waitFor } from '../support/harness.ts';
import { makePrivateCa, type PrivateCa } from '../support/mail-servers/private-ca.ts';
import { startPrivateDovecot, type PrivateDovecot } from '../support/mail-servers/private-dovecot.ts';

let inst: Installation;
let scratch: string;

beforeAll(async () => {
  inst = await Installation.create('doctor', [{ after: '1h', notify: ['general_manager'] }]);
  scratch = mkdtempSync(join(tmpdir(), 'tasaeed-doctor-'));
});
afterAll(async () => {
  await inst.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function doctor(env: Record<string, string> = {}): Promise<{ code: number | null; checks: CheckResult[]; text: string }> {
  const json = await inst.cli(['doctor', '--json'], env);
  const text = await inst.cli(['doctor'], env);
  expect(text.code).toBe(json.code);
  return { code: json.code, checks: JSON.parse(json.stdout) as CheckResult[], text: text.stdout + text.stderr };
}
const status = (checks: CheckResult[]): Record<string, string> => Object.fromEntries(checks.map((c) => [c.check, c.status]));
const failedOne = (checks: CheckResult[]): CheckResult | undefined => checks.find((c) => c.status === 'failed');

describe('tasaeed doctor', () => {
  it('passes every check against healthy services, the round trip through a plus address included', async () => {
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(status(r.checks)).toEqual({ config: 'ok', policy: 'ok', postgres: 'ok', redis: 'ok', imap: 'ok', smtp: 'ok', round_trip: 'ok', dns: 'skipped' });
    expect(r.checks.find((c) => c.check === 'round_trip')?.detail).toMatch(new RegExp(`core\\+doctor@${inst.domain} arrived in INBOX after \\d+ ms and was removed`));
    expect(r.text).toMatch(/all 8 checks passed/);
    expect(r.text).not.toContain(inst.environment.REPLY_SECRET);
    // the test message is gone from the Core mailbox
    expect((await inst.mailbox('core')).filter((m) => /tasaeed doctor/.test(m.subject ?? ''))).toEqual([]);
  });

  it.each([
    ['config', { REPLY_SECRET: 'short' }, 'REPLY_SECRET', /REPLY_SECRET: use at least 32 random characters/],
    ['policy', { POLICY_FILE: 'examples/no-such-policy.yaml' }, 'POLICY_FILE', /no-such-policy/],
    ['postgres', { DATABASE_URL: 'postgres://tasaeed:db-secret-pw@127.0.0.1:1/x' }, 'DATABASE_URL', /cannot connect to PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/],
    ['redis', { REDIS_URL: 'redis://:redis-secret-pw@127.0.0.1:1' }, 'REDIS_URL', /cannot connect to Redis at 127\.0\.0\.1:1/],
    ['imap', { IMAP_PASSWORD: 'imap-secret-pw' }, 'IMAP_PASSWORD', /refused the login of core@/],
    ['smtp', { SMTP_PORT: '1' }, 'SMTP_HOST', /cannot connect to the LMTP server at 127\.0\.0\.1:1 \(ECONNREFUSED\)/],
  ])('exits 1 naming the %s check and its setting', async (check, env, setting, detail) => {
    const r = await doctor(env);
    expect(r.code).toBe(1);
    const bad = failedOne(r.checks);
    expect(bad).toMatchObject({ check, setting });
    expect(bad?.detail).toMatch(detail);
    expect(r.checks.filter((c) => c.status === 'failed')).toHaveLength(1);
    expect(r.text).toMatch(new RegExp(`FAILED +${bad?.title.en ?? ''} [^\\n]*\\n(.*\\n)*\\s+fix ${setting}`));
    for (const secret of [inst.environment.REPLY_SECRET ?? '', 'db-secret-pw', 'redis-secret-pw', 'imap-secret-pw']) expect(r.text).not.toContain(secret);
  });

  it('fails the Redis check naming REDIS_URL when Redis may evict queued jobs', async () => {
    const port = await freePort();
    const redis: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--maxmemory-policy', 'allkeys-lru', '--dir', scratch], { stdio: 'ignore' });
    try {
      const url = `redis://127.0.0.1:${String(port)}`;
      await waitFor('the private Redis', async () => {
        const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        client.on('error', () => undefined);
        try { return await client.connect().then(() => client.ping()).then(() => true, () => false); } finally { client.disconnect(); }
      });
      const r = await doctor({ REDIS_URL: url });
      expect(r.code).toBe(1);
      expect(failedOne(r.checks)).toMatchObject({ check: 'redis', setting: 'REDIS_URL', detail: expect.stringMatching(/maxmemory-policy allkeys-lru/) as unknown });
      expect(r.text).toMatch(/fix REDIS_URL: set `maxmemory-policy noeviction`/);
    } finally {
      redis.kill('SIGTERM');
    }
  });

  it('checks the Core domain\'s DMARC and SPF records when INBOUND_AUTH is on', async () => {
    const table = (records: Record<string, string[]>): string => {
      const file = join(scratch, `dns-${String(Object.keys(records).length)}.json`);
      writeFileSync(file, JSON.stringify({ zones: [inst.domain], records }));
      return file;
    };
    const none = await doctor({ INBOUND_AUTH: 'monitor', INBOUND_AUTH_DNS_FILE: table({}) });
    expect(none.code).toBe(1);
    expect(failedOne(none.checks)).toMatchObject({ check: 'dns', setting: 'INBOUND_AUTH', detail: expect.stringMatching(new RegExp(`_dmarc\\.${inst.domain} \\(DMARC\\) or ${inst.domain} \\(SPF\\)`)) as unknown });
    const both = await doctor({
      INBOUND_AUTH: 'monitor',
      INBOUND_AUTH_DNS_FILE: table({ [`_dmarc.${inst.domain} TXT`]: ['v=DMARC1; p=reject'], [`${inst.domain} TXT`]: ['v=spf1 -all'] }),
    });
    expect(both.code).toBe(0);
    expect(status(both.checks).dns).toBe('ok');
  });

  describe('the round trip on a mail system without plus addressing', () => {
    let ca: PrivateCa;
    let dovecot: PrivateDovecot;
    beforeAll(async () => {
      ca = makePrivateCa();
      dovecot = await startPrivateDovecot({ ca, password: PASSWORD, plusAddressing: false });
    });
    afterAll(async () => { await dovecot.stop(); });
    const on = (replyAddress: string): Record<string, string> => ({
      REPLY_ADDRESS: replyAddress, IMAP_PORT: String(dovecot.imapsPort), IMAP_SECURE: 'true', IMAP_TLS_CA: ca.caFile,
      SMTP_PORT: String(dovecot.lmtpPort),
    });

    it('fails naming REPLY_ADDRESS with plus addressing, and passes with REPLY_ADDRESS=plain', async () => {
      const plus = await doctor(on('plus'));
      expect(plus.code).toBe(1);
      expect(failedOne(plus.checks)).toMatchObject({ check: 'round_trip', setting: 'REPLY_ADDRESS', detail: expect.stringMatching(/550 5\.1\.1 <core\+doctor@/) as unknown });
      const plain = await doctor(on('plain'));
      expect(plain.code).toBe(0);
      expect(plain.checks.find((c) => c.check === 'round_trip')?.detail).toMatch(new RegExp(`to core@${inst.domain} arrived`));
      expect((await dovecot.mailbox(inst.addr('core'))).filter((m) => /tasaeed doctor/.test(m.subject ?? ''))).toEqual([]);
    });
  });
});
