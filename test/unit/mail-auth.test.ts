/**
 * Mail sign-in rules without services: the token cache renews before expiry, shares one request, and after a
 * refusal answers from memory with a growing pause (no hammering); the settings name what is missing.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/adapters/config.ts';
import { insecureTlsWarnings, smtpTransportOptions } from '../../src/adapters/mail-connection.ts';
import { TokenCache, type AccessToken } from '../../src/adapters/oauth/token-cache.ts';
import { TasaeedError } from '../../src/errors.ts';

const BASE = { DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://x', POLICY_FILE: 'p', REPLY_SECRET: 'x'.repeat(32), IMAP_USER: 'core@x.test' };

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('TokenCache', () => {
  const setup = () => {
    let now = 0;
    let calls = 0;
    let refuse = false;
    const cache = new TokenCache(async (): Promise<AccessToken> => {
      calls += 1;
      await Promise.resolve();
      if (refuse) throw new TasaeedError('OAUTH_TOKEN_REFUSED', 'refused', { setting: 'OAUTH_CLIENT_SECRET' });
      return { token: `t${String(calls)}`, expiresAt: now + 10_000 };
    }, { now: () => now, refreshBeforeMs: 60_000, refusalPauseMs: 1_000, maxRefusalPauseMs: 4_000 });
    return { cache, calls: () => calls, tick: (ms: number) => { now += ms; }, refuse: (v: boolean) => { refuse = v; } };
  };

  it('reuses a token, renews it before it expires (a fifth of a short lifetime) and on demand', async () => {
    const s = setup();
    const [a, b] = await Promise.all([s.cache.get(), s.cache.get()]);
    expect([a.token, b.token, s.calls()]).toEqual(['t1', 't1', 1]);
    s.tick(7_999);
    expect((await s.cache.get()).token).toBe('t1');
    s.tick(1);
    expect((await s.cache.get()).token).toBe('t2'); // 2 s of 10 s left
    expect((await s.cache.get(true)).token).toBe('t3');
  });

  it('after a refusal answers from memory for a pause that doubles, then asks again', async () => {
    const s = setup();
    s.refuse(true);
    await expect(s.cache.get()).rejects.toMatchObject({ code: 'OAUTH_TOKEN_REFUSED', setting: 'OAUTH_CLIENT_SECRET' });
    for (let i = 0; i < 20; i += 1) await expect(s.cache.get()).rejects.toMatchObject({ code: 'OAUTH_TOKEN_REFUSED' });
    expect(s.calls()).toBe(1);
    s.tick(1_000);
    await expect(s.cache.get()).rejects.toThrow('refused');
    expect(s.calls()).toBe(2);
    s.tick(1_000);
    await expect(s.cache.get()).rejects.toThrow('refused');
    expect(s.calls()).toBe(2); // the pause is 2 s now
    s.tick(1_000);
    s.refuse(false);
    expect((await s.cache.get()).token).toBe('t3');
  });
});

describe('mail sign-in settings', () => {
  it.each([
    [{}, 'IMAP_PASSWORD: is required with IMAP_AUTH=password'],
    [{ IMAP_AUTH: 'oauth2' }, 'OAUTH_PROVIDER: is required'],
    [{ IMAP_AUTH: 'oauth2', OAUTH_PROVIDER: 'microsoft', OAUTH_CLIENT_ID: 'a', OAUTH_CLIENT_SECRET: 's' }, 'OAUTH_TENANT_ID: is required with OAUTH_PROVIDER=microsoft'],
    [{ IMAP_AUTH: 'oauth2', OAUTH_PROVIDER: 'microsoft', OAUTH_TENANT_ID: 't', OAUTH_CLIENT_ID: 'a' }, 'OAUTH_CLIENT_SECRET: or OAUTH_CERT_FILE + OAUTH_KEY_FILE is required'],
    [{ IMAP_AUTH: 'oauth2', OAUTH_PROVIDER: 'microsoft', OAUTH_TENANT_ID: 't', OAUTH_CLIENT_ID: 'a', OAUTH_CERT_FILE: '/nonexistent.pem' }, 'OAUTH_KEY_FILE: OAUTH_CERT_FILE and OAUTH_KEY_FILE go together'],
    [{ IMAP_AUTH: 'oauth2', OAUTH_PROVIDER: 'google' }, 'GOOGLE_SERVICE_ACCOUNT_FILE: is required with OAUTH_PROVIDER=google'],
    [{ IMAP_AUTH: 'oauth2', OAUTH_PROVIDER: 'google', GOOGLE_SERVICE_ACCOUNT_FILE: '/nonexistent.json' }, 'GOOGLE_SERVICE_ACCOUNT_FILE: /nonexistent.json does not exist'],
    [{ IMAP_AUTH: 'oauth2', OAUTH_PROVIDER: 'generic', OAUTH_CLIENT_ID: 'a', OAUTH_CLIENT_SECRET: 's' }, 'OAUTH_TOKEN_URL: is required with OAUTH_PROVIDER=generic'],
    [{ IMAP_PASSWORD: 'p', SMTP_AUTH: 'password' }, 'SMTP_USER: is required with SMTP_AUTH=password'],
    [{ IMAP_PASSWORD: 'p', IMAP_TLS_CA: '/nonexistent-ca.pem' }, 'IMAP_TLS_CA: /nonexistent-ca.pem does not exist'],
    [{ IMAP_PASSWORD: 'p', OAUTH_AUTHORITY: 'http://login.example' }, 'OAUTH_AUTHORITY'],
  ])('%j is refused naming the setting', (env, message) => {
    expect(configError(env)).toContain(message);
  });

  it('checks certificates and requires STARTTLS for SMTP submission unless told otherwise', () => {
    const smtp = (env: Record<string, string>) => smtpTransportOptions(loadConfig({ ...BASE, IMAP_PASSWORD: 'p', ...env }), undefined);
    expect(smtp({})).toMatchObject({ requireTLS: true, tls: { rejectUnauthorized: true } });
    expect(smtp({ SMTP_SECURE: 'true', SMTP_PORT: '465' })).toMatchObject({ requireTLS: false, tls: { rejectUnauthorized: true } });
    expect(smtp({ SMTP_LMTP: 'true' })).toMatchObject({ requireTLS: false, ignoreTLS: true });
    expect(smtp({ SMTP_ALLOW_PLAINTEXT: 'true' })).toMatchObject({ requireTLS: false });
    expect(smtp({ SMTP_TLS_INSECURE: 'true' })).toMatchObject({ tls: { rejectUnauthorized: false } });
  });

  it('warns for each certificate check turned off', () => {
    const w = insecureTlsWarnings(loadConfig({ ...BASE, IMAP_PASSWORD: 'p', IMAP_TLS_INSECURE: 'true', SMTP_TLS_INSECURE: 'true' }));
    expect(w.map((x) => x.split('=')[0])).toEqual(['IMAP_TLS_INSECURE', 'SMTP_TLS_INSECURE']);
  });
});
