/**
 * OAuth2 sign-in end to end with real servers: oidc-provider issues access tokens that live 3 seconds, Dovecot
 * checks them by introspection (XOAUTH2 / OAUTHBEARER over IMAPS on a private CA), smtp-server checks SMTP's
 * XOAUTH2 against the same server. Mail keeps flowing across several token lifetimes and re-connections, every
 * connection signing in with a token that is still valid; a revoked grant or a wrong secret stops start-up with
 * the setting named.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicEmail, Installation, PASSWORD, waitFor } from '../support/harness.ts';
import { startAuthServer, type AuthServer } from '../support/mail-servers/auth-server.ts';
import { makePrivateCa, type PrivateCa } from '../support/mail-servers/private-ca.ts';
import { startPrivateDovecot, type PrivateDovecot } from '../support/mail-servers/private-dovecot.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/mail-servers/smtp-server.ts';

const CLIENT = { id: 'tasaeed-app', secret: 'tasaeed-app-secret-0123456789' };
const LIFETIME_S = 3;
let ca: PrivateCa;
let auth: AuthServer;
let dovecot: PrivateDovecot;
let smtp: TestSmtpServer;
const installations: Installation[] = [];

beforeAll(async () => {
  ca = makePrivateCa();
  auth = await startAuthServer({ accessTokenSeconds: LIFETIME_S, clients: [CLIENT] });
  dovecot = await startPrivateDovecot({ ca, password: PASSWORD, auth });
  smtp = await startSmtpServer({ ca, auth: { oauth: auth } });
});

afterAll(async () => {
  for (const i of installations) await i.close();
  await smtp.close();
  await dovecot.stop();
  await auth.close();
});

async function install(env: Record<string, string> = {}): Promise<Installation> {
  const inst = await Installation.create('oauth', [{ after: '1h', notify: ['general_manager'] }], {
    env: () => ({
      IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.imapsPort), IMAP_SECURE: 'true', IMAP_TLS_CA: ca.caFile,
      IMAP_AUTH: 'oauth2', IMAP_PASSWORD: '',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_LMTP: 'false', SMTP_AUTH: 'oauth2', SMTP_TLS_CA: ca.caFile,
      OAUTH_PROVIDER: 'generic', OAUTH_TOKEN_URL: auth.tokenUrl, OAUTH_CLIENT_ID: CLIENT.id, OAUTH_CLIENT_SECRET: CLIENT.secret,
      OAUTH_SCOPE: 'mail', ...env,
    }),
  });
  installations.push(inst);
  auth.allowMailbox(CLIENT.id, inst.addr('core'));
  return inst;
}

const ticketCount = async (inst: Installation): Promise<number> =>
  Number((await inst.db('tickets').count<{ n: string }[]>({ n: '*' }))[0]?.n);
const oauthLogins = (user: string): number =>
  readFileSync(dovecot.logFile, 'utf8').split('\n').filter((l) => l.includes(`Login: user=<${user}>`) && /method=(XOAUTH2|OAUTHBEARER)/.test(l)).length;
const copiesTo = (inst: Installation, local: string): number => smtp.received.filter((m) => m.to !== undefined
  && (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a.value.some((v) => v.address === inst.addr(local)))).length;

describe('OAuth2 client credentials (generic token endpoint)', () => {
  it('takes in mail and sends the copies across several token lifetimes and re-connections, nothing lost', async () => {
    // One email per SMTP connection: every send signs in again, so each must bring a token that is still valid.
    const inst = await install({ SMTP_MAX_MESSAGES: '1' });
    await inst.start();
    const core = inst.addr('core');
    const rounds = 4;
    for (let i = 1; i <= rounds; i += 1) {
      const loginsBefore = oauthLogins(core);
      await dovecot.append(core, arabicEmail({ from: inst.addr('clerk'), to: core, subject: `فاتورة رقم ${String(i)}`, body: `فاتورة رقم ${String(i)} لم تدفع بعد` }));
      await waitFor(`ticket ${String(i)}`, async () => (await ticketCount(inst)) === i);
      await waitFor(`the finance head's copy ${String(i)} over SMTP`, () => Promise.resolve(copiesTo(inst, 'head.fin') === i));
      if (i === rounds) break;
      // Let the token the last SMTP connection used expire, then drop the IMAP session: the listener must come
      // back with a new token, and the next SMTP connection must get one too.
      const used = smtp.logins.at(-1)?.token ?? '';
      await waitFor('the last token to expire', async () => (await auth.introspect(used)) === undefined, 10_000);
      await dovecot.kick(core);
      await waitFor('the listener to sign in again', () => Promise.resolve(oauthLogins(core) > loginsBefore), 20_000);
    }
    // nothing lost: every email written (copies and acknowledgements) goes out, each over a fresh OAuth2 sign-in
    const unsent = async () => (await inst.db('outbox').whereNot({ status: 'sent' }).select('status', 'to_email', 'last_error') as unknown[]);
    await waitFor('every email sent', async () => (await unsent()).length === 0, 20_000).catch(async (err: unknown) => {
      expect(await unsent()).toEqual([]);
      throw err;
    });
    expect(Number((await inst.db('outbox').count<{ n: string }[]>({ n: '*' }))[0]?.n)).toBeGreaterThanOrEqual(rounds);
    // Every SMTP sign-in was XOAUTH2 as the Core mailbox, with more than one token over the run.
    const mine = smtp.logins.filter((l) => l.user === core);
    expect(mine.every((l) => l.method === 'XOAUTH2')).toBe(true);
    expect(new Set(mine.map((l) => l.token)).size).toBeGreaterThanOrEqual(rounds);
    expect(oauthLogins(core)).toBeGreaterThanOrEqual(rounds);
    expect(readFileSync(inst.logFile, 'utf8')).not.toContain(mine[0]?.token ?? 'no token');
  });

  it('stops start-up naming OAUTH_CLIENT_SECRET when the secret is wrong (expired or rotated)', async () => {
    const inst = await install({ OAUTH_CLIENT_SECRET: 'an-old-secret' });
    await expect(inst.start()).rejects.toThrow(/tasaeed exited with 1/);
    const log = readFileSync(inst.logFile, 'utf8');
    expect(log).toMatch(/refused a token \(401 invalid_client[^)]*\); check OAUTH_CLIENT_SECRET/);
    // the start-up checks stop it before anything runs: one refusal reported once, for IMAP and SMTP together
    expect(log.match(/refused a token/g)).toHaveLength(1);
    expect(log).not.toContain('imap listening');
  });
});

describe('OAuth2 refresh token', () => {
  it('signs in with the refresh-token grant, and a revoked grant stops the next start naming OAUTH_REFRESH_TOKEN', async () => {
    const inst = await install({ OAUTH_CLIENT_ID: CLIENT.id });
    const core = inst.addr('core');
    const refreshToken = await auth.refreshTokenFor(CLIENT.id, core);
    inst.env.OAUTH_REFRESH_TOKEN = refreshToken;
    await inst.start();
    await dovecot.append(core, arabicEmail({ from: inst.addr('clerk'), to: core, subject: 'شحنة متأخرة', body: 'شحنة رقم 5 متأخرة' }));
    await waitFor('the ticket', async () => (await ticketCount(inst)) === 1);
    await inst.stop();

    await auth.revoke(CLIENT.id, refreshToken); // consent withdrawn
    await expect(inst.start()).rejects.toThrow(/tasaeed exited with 1/);
    const log = readFileSync(inst.logFile, 'utf8');
    expect(log).toMatch(/refused a token \(400 invalid_grant[^)]*\); check OAUTH_REFRESH_TOKEN/);
    expect(log).not.toContain(refreshToken);
  });

  it('keeps running when consent is withdrawn while it runs: the refusal is logged once naming the setting, the provider is not hammered', async () => {
    const inst = await install({ OAUTH_CLIENT_ID: CLIENT.id });
    const core = inst.addr('core');
    const refreshToken = await auth.refreshTokenFor(CLIENT.id, core);
    inst.env.OAUTH_REFRESH_TOKEN = refreshToken;
    await inst.start();
    await auth.revoke(CLIENT.id, refreshToken); // the grant goes, and with it the access token in hand
    const before = auth.tokenRequests();
    await dovecot.kick(core);
    const refused = /IMAP sign-in refused \(OAUTH_TOKEN_REFUSED\); retrying with backoff until OAUTH_REFRESH_TOKEN is fixed/g;
    await waitFor('the refusal in the log', () => Promise.resolve((readFileSync(inst.logFile, 'utf8').match(refused) ?? []).length > 0), 20_000);
    // main's listener supervision: still running, reconnecting with backoff while the cache answers the refusal
    expect(inst.running).toBe(true);
    expect(readFileSync(inst.logFile, 'utf8').match(refused)).toHaveLength(1);
    // The refusal is asked once and then answered from memory for 30 s. A renewal already under way at the revoke
    // (tokens live 3 s here) may add one or two on a busy machine; a client without that memory asks once per
    // reconnect of its backoff (1, 2, 4, 8 s… over this window), and one without backoff hundreds of times.
    expect(auth.tokenRequests() - before).toBeLessThanOrEqual(3);
    expect(readFileSync(inst.logFile, 'utf8')).not.toContain(refreshToken);
    await inst.stop();
  });
});
