/**
 * Certificates are checked by default, for IMAP and SMTP, against a server whose certificate a private CA signed:
 * refused without IMAP_TLS_CA / SMTP_TLS_CA (or with an unrelated CA), accepted with it, accepted with
 * *_TLS_INSECURE=true only together with a warning at start; SMTP submission never signs in or sends in the clear.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/adapters/config.ts';
import { smtpTransportOptions } from '../../src/adapters/mail-connection.ts';
import { createMailer, type OutgoingEmail } from '../../src/adapters/mailer.ts';
import { smtpPool } from '../../src/adapters/mail-options.ts';
import { arabicEmail, Installation, PASSWORD, waitFor } from '../support/harness.ts';
import { makePrivateCa, type PrivateCa } from '../support/mail-servers/private-ca.ts';
import { startPrivateDovecot, type PrivateDovecot } from '../support/mail-servers/private-dovecot.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/mail-servers/smtp-server.ts';

let ca: PrivateCa;
let dovecot: PrivateDovecot;

beforeAll(async () => {
  ca = makePrivateCa();
  dovecot = await startPrivateDovecot({ ca, password: PASSWORD });
});

afterAll(async () => {
  await dovecot.stop();
});

describe('IMAP certificate', () => {
  const installations: Installation[] = [];
  afterAll(async () => { for (const i of installations) await i.close(); });

  const install = async (env: Record<string, string>): Promise<Installation> => {
    const inst = await Installation.create('tls', [{ after: '1h', notify: ['general_manager'] }], {
      env: () => ({ IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.imapsPort), IMAP_SECURE: 'true', ...env }),
    });
    installations.push(inst);
    return inst;
  };

  it('refuses to start without IMAP_TLS_CA, and with an unrelated CA, naming the setting', async () => {
    for (const env of [{}, { IMAP_TLS_CA: ca.otherCaFile }]) {
      const inst = await install(env);
      await expect(inst.start()).rejects.toThrow(/tasaeed exited with 1/);
      const log = readFileSync(inst.logFile, 'utf8');
      expect(log).toMatch(/IMAP server's certificate was refused \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\); set IMAP_TLS_CA/);
    }
  });

  it('accepts the server with IMAP_TLS_CA and takes in mail over IMAPS', async () => {
    const inst = await install({ IMAP_TLS_CA: ca.caFile });
    await inst.start();
    await dovecot.append(inst.addr('core'), arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'فاتورة متأخرة', body: 'فاتورة رقم 9 لم تدفع' }));
    await waitFor('the ticket', async () => Number((await inst.db('tickets').count<{ n: string }[]>({ n: '*' }))[0]?.n) === 1);
    expect(readFileSync(inst.logFile, 'utf8')).not.toMatch(/TLS_INSECURE/);
  });

  it('accepts any certificate with IMAP_TLS_INSECURE=true and warns at start', async () => {
    const inst = await install({ IMAP_TLS_INSECURE: 'true' });
    await inst.start();
    expect(readFileSync(inst.logFile, 'utf8')).toMatch(/IMAP_TLS_INSECURE=true: the certificate of 127\.0\.0\.1:\d+ is NOT checked/);
  });
});

describe('SMTP certificate and STARTTLS', () => {
  let smtp: TestSmtpServer;
  let plain: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ ca, auth: { password: 'smtp-pw' } });
    plain = await startSmtpServer({ auth: { password: 'smtp-pw' } });
  });
  afterAll(async () => { await smtp.close(); await plain.close(); });

  const mail = (n: number): OutgoingEmail => ({
    from: { name: 'تصعيد', address: 'core@tls.test' }, to: 'head@tls.test', replyTo: 'core@tls.test',
    subject: `اختبار ${String(n)}`, html: '<p dir="rtl">مرحبا</p>', text: 'مرحبا', messageId: `<tls-${String(n)}@tls.test>`, headers: {},
  });
  const send = async (port: number, env: Record<string, string>, n: number): Promise<void> => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://x', POLICY_FILE: 'p', REPLY_SECRET: 'x'.repeat(32),
      IMAP_USER: 'core@tls.test', IMAP_PASSWORD: 'x', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port),
      SMTP_USER: 'core@tls.test', SMTP_PASSWORD: 'smtp-pw', ...env,
    });
    const mailer = createMailer(smtpTransportOptions(config, undefined));
    try { await mailer.send(mail(n)); } finally { mailer.close(); }
  };

  it('refuses the STARTTLS certificate without SMTP_TLS_CA and sends nothing', async () => {
    // an outage the operator fixes (emails wait and retry), naming the setting
    await expect(send(smtp.port, {}, 1)).rejects.toMatchObject({ code: 'SMTP_UNAVAILABLE', setting: 'SMTP_TLS_CA', message: expect.stringMatching(/certificate was refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN\)/) as unknown });
    expect(smtp.received).toHaveLength(0);
  });

  it('sends with SMTP_TLS_CA after STARTTLS, and with SMTP_TLS_INSECURE=true', async () => {
    await send(smtp.port, { SMTP_TLS_CA: ca.caFile }, 2);
    await send(smtp.port, { SMTP_TLS_INSECURE: 'true' }, 3);
    expect(smtp.received.map((m) => m.messageId)).toEqual(['<tls-2@tls.test>', '<tls-3@tls.test>']);
    expect(smtp.logins).toEqual([{ user: 'core@tls.test', method: 'PLAIN' }, { user: 'core@tls.test', method: 'PLAIN' }]);
  });

  it('sends a burst over a bounded pool: connections reused, at most SMTP_MAX_CONNECTIONS open, renewed after SMTP_MAX_MESSAGES', async () => {
    const before = { opened: smtp.connections.opened, logins: smtp.logins.length, received: smtp.received.length };
    const config = loadConfig({
      DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://x', POLICY_FILE: 'p', REPLY_SECRET: 'x'.repeat(32),
      IMAP_USER: 'core@tls.test', IMAP_PASSWORD: 'x', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port),
      SMTP_USER: 'core@tls.test', SMTP_PASSWORD: 'smtp-pw', SMTP_TLS_CA: ca.caFile, SMTP_MAX_CONNECTIONS: '2', SMTP_MAX_MESSAGES: '5',
    });
    const mailer = createMailer(smtpTransportOptions(config, undefined), smtpPool(config));
    const ids = Array.from({ length: 12 }, (_, i) => 100 + i);
    try { await Promise.all(ids.map((n) => mailer.send(mail(n)))); } finally { mailer.close(); }
    expect(smtp.received.slice(before.received).map((m) => m.messageId).sort()).toEqual(ids.map((n) => `<tls-${String(n)}@tls.test>`).sort());
    // 12 emails, 5 per connection: 3 connections (a 4th when the last two split), never 12, never more than 2 at once.
    const opened = smtp.connections.opened - before.opened;
    expect(opened).toBeGreaterThanOrEqual(3);
    expect(opened).toBeLessThanOrEqual(4);
    expect(smtp.logins.length - before.logins).toBe(opened);
    expect(smtp.connections.peak).toBeLessThanOrEqual(2);
  });

  it('refuses a server that offers no STARTTLS unless SMTP_ALLOW_PLAINTEXT=true', async () => {
    await expect(send(plain.port, {}, 4)).rejects.toThrow(/STARTTLS/);
    expect(plain.logins).toHaveLength(0);
    await send(plain.port, { SMTP_ALLOW_PLAINTEXT: 'true' }, 5);
    expect(plain.received.map((m) => m.messageId)).toEqual(['<tls-5@tls.test>']);
  });
});
