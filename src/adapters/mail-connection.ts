/**
 * What imapflow and nodemailer are given to connect: host, port, TLS (verified unless turned off on purpose, with
 * a private CA when named) and the sign-in (password or an OAuth2 access token fetched for this very connection).
 * Pure builders plus the two connectors the adapters call on every (re)connect.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { messageOf, TasaeedError } from '../errors.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { smtpAuthOf } from './mail-auth-config.ts';
import type { TokenCache } from './oauth/token-cache.ts';

export interface ImapConnection {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | { user: string; accessToken: string };
  tls: ConnectionOptions;
}

function tlsOptions(caFile: string | undefined, insecure: boolean): ConnectionOptions {
  if (insecure) return { rejectUnauthorized: false };
  return caFile === undefined ? { rejectUnauthorized: true } : { rejectUnauthorized: true, ca: readFileSync(caFile, 'utf8') };
}

/** IMAP options for one connection; `accessToken` is required with IMAP_AUTH=oauth2. */
export function imapConnectionOptions(c: Config, accessToken?: string): ImapConnection {
  const auth = c.IMAP_AUTH === 'oauth2'
    ? { user: c.IMAP_USER, accessToken: accessToken ?? '' }
    : { user: c.IMAP_USER, pass: c.IMAP_PASSWORD ?? '' };
  return { host: c.IMAP_HOST, port: c.IMAP_PORT, secure: c.IMAP_SECURE, auth, tls: tlsOptions(c.IMAP_TLS_CA, c.IMAP_TLS_INSECURE) };
}

/** Options for the next IMAP connection: a current token each time (`renew` after the server refused one). */
export type ImapConnector = (renew?: boolean) => Promise<ImapConnection>;

export function imapConnector(c: Config, tokens: TokenCache | undefined): ImapConnector {
  return async (renew = false) => {
    if (c.IMAP_AUTH !== 'oauth2') return imapConnectionOptions(c);
    if (tokens === undefined) throw new TasaeedError('CONFIG_INVALID', 'IMAP_AUTH=oauth2 needs OAUTH_PROVIDER', { setting: 'OAUTH_PROVIDER' });
    return imapConnectionOptions(c, (await tokens.get(renew)).token);
  };
}

/** The address SMTP signs in as: SMTP_USER, or the Core mailbox for OAuth2 (the same grant as IMAP). */
function smtpUser(c: Config): string {
  return c.SMTP_USER ?? c.IMAP_USER;
}

/**
 * nodemailer transport options. With OAuth2 nodemailer asks `provisionCallback` for a token on each new connection
 * whose copy is due for renewal (and with `renew` after a refusal); the shared cache answers.
 */
export function smtpTransportOptions(c: Config, tokens: TokenCache | undefined): SMTPTransport.Options {
  const plaintextAllowed = c.SMTP_LMTP || c.SMTP_ALLOW_PLAINTEXT;
  const base: SMTPTransport.Options = {
    host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE, lmtp: c.SMTP_LMTP,
    // LMTP delivers inside the mail host; SMTP submission must upgrade with STARTTLS before it signs in.
    ignoreTLS: c.SMTP_LMTP, requireTLS: !c.SMTP_SECURE && !plaintextAllowed,
    tls: tlsOptions(c.SMTP_TLS_CA, c.SMTP_TLS_INSECURE),
    // nodemailer waits up to 2 min for a connection and 10 min on a silent socket: too long for a retry loop.
    connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
  };
  switch (smtpAuthOf(c)) {
    case 'none':
      return base;
    case 'password':
      return { ...base, auth: { user: smtpUser(c), pass: c.SMTP_PASSWORD ?? '' } };
    case 'oauth2': {
      if (tokens === undefined) throw new TasaeedError('CONFIG_INVALID', 'SMTP_AUTH=oauth2 needs OAUTH_PROVIDER', { setting: 'OAUTH_PROVIDER' });
      return {
        ...base,
        auth: {
          type: 'OAuth2', user: smtpUser(c),
          provisionCallback: (_user, renew, done) => {
            tokens.get(renew).then((t) => { done(null, t.token, tokens.renewAt()); }, (err: unknown) => {
              // nodemailer rewrites the code of the error it is given; the cached refusal must stay ours
              done(new Error(messageOf(err), { cause: err }));
            });
          },
        },
      };
    }
  }
}

/** Warnings for TLS checks turned off; printed at every start so nobody forgets them. */
export function insecureTlsWarnings(c: Config): string[] {
  const out: string[] = [];
  if (c.IMAP_TLS_INSECURE) out.push(`IMAP_TLS_INSECURE=true: the certificate of ${c.IMAP_HOST}:${String(c.IMAP_PORT)} is NOT checked; anyone on the path can read the Core mailbox's credentials. Use IMAP_TLS_CA instead.`);
  if (c.SMTP_TLS_INSECURE && !c.SMTP_LMTP) out.push(`SMTP_TLS_INSECURE=true: the certificate of ${c.SMTP_HOST}:${String(c.SMTP_PORT)} is NOT checked; anyone on the path can read the SMTP credentials and mail. Use SMTP_TLS_CA instead.`);
  return out;
}

export function warnInsecureTls(c: Config, log: Logger): void {
  for (const w of insecureTlsWarnings(c)) log.warn({ setting: w.split('=')[0] }, w);
}

const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

/** A certificate check that failed, as our typed error naming the setting; undefined for any other error. */
export function certificateProblem(err: unknown, service: 'imap' | 'smtp'): TasaeedError | undefined {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    // nodemailer keeps the TLS code as originalCode under its own ESOCKET
    const codes = [(e as { code?: unknown }).code, (e as { originalCode?: unknown }).originalCode];
    const code = codes.find((c): c is string => typeof c === 'string' && CERT_CODES.has(c));
    if (code !== undefined) {
      const setting = service === 'imap' ? 'IMAP_TLS_CA' : 'SMTP_TLS_CA';
      return new TasaeedError('TLS_CERTIFICATE_UNTRUSTED', `the ${service.toUpperCase()} server's certificate was refused (${code}); set ${setting}`, { setting, cause: err });
    }
  }
  return undefined;
}

/** A certificate refused, or STARTTLS missing where SMTP requires it, as our typed error; undefined otherwise. */
export function smtpTlsProblem(err: unknown, at: string): TasaeedError | undefined {
  const certificate = certificateProblem(err, 'smtp');
  if (certificate !== undefined) return certificate;
  const e = err as { code?: unknown; command?: unknown; response?: unknown };
  if (e.code === 'ETLS' && e.command === 'STARTTLS') {
    const said = typeof e.response === 'string' && e.response !== '' ? ` (${e.response})` : '';
    return new TasaeedError('SMTP_STARTTLS_MISSING', `the SMTP server at ${at} did not upgrade to TLS with STARTTLS${said}; set SMTP_SECURE or SMTP_ALLOW_PLAINTEXT`, { setting: 'SMTP_ALLOW_PLAINTEXT', cause: err });
  }
  return undefined;
}
