/**
 * Microsoft 365 (Exchange Online) app-only sign-in: the client-credentials grant through @azure/msal-node, with a
 * client secret or a certificate, for the scope https://outlook.office365.com/.default. No browser step; the
 * tenant's administrator grants IMAP.AccessAsApp / SMTP.SendAsApp and the mailbox permission once (README).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { TasaeedError } from '../../errors.ts';
import type { AccessToken, TokenSource } from './token-cache.ts';

export const MICROSOFT_SCOPE = 'https://outlook.office365.com/.default';

export interface MicrosoftSettings {
  authority: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/** Entra ID error numbers (AADSTS…) that point at one setting. */
const AADSTS_SETTING: [RegExp, string][] = [
  [/AADSTS(7000215|7000222|7000218)\b/, 'OAUTH_CLIENT_SECRET'], // invalid or expired secret
  [/AADSTS(700027|700024|500212)\b/, 'OAUTH_CERT_FILE'], // certificate not registered or expired
  [/AADSTS(700016|7000112|70001)\b/, 'OAUTH_CLIENT_ID'], // application not found or disabled in the tenant
  [/AADSTS(90002|90023|900023|50128)\b/, 'OAUTH_TENANT_ID'], // tenant not found
  [/AADSTS(65001|7000112|501051)\b/, 'OAUTH_CLIENT_ID'], // consent missing or revoked
];

function credentials(s: MicrosoftSettings): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate'> {
  if (s.certFile !== undefined && s.keyFile !== undefined) {
    const pem = readFileSync(s.certFile, 'utf8');
    const cert = new X509Certificate(pem);
    return {
      clientCertificate: {
        thumbprintSha256: cert.fingerprint256.replaceAll(':', ''), privateKey: readFileSync(s.keyFile, 'utf8'),
        x5c: pem, // lets Entra ID accept a renewed certificate by subject name
      },
    };
  }
  return { clientSecret: s.clientSecret ?? '' };
}

function refusal(err: unknown): TasaeedError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { errorCode?: unknown; errorMessage?: unknown; message?: unknown };
  const code = typeof e.errorCode === 'string' ? e.errorCode : '';
  const text = typeof e.errorMessage === 'string' ? e.errorMessage : typeof e.message === 'string' ? e.message : String(err);
  const firstLine = text.split(/\r?\n/)[0] ?? text;
  if (/network|timed?_?out|ECONN|ENOTFOUND|EAI_AGAIN|endpoints_resolution_error/i.test(`${code} ${text}`)) {
    return new TasaeedError('OAUTH_UNAVAILABLE', `Microsoft sign-in could not be reached: ${firstLine}`, { setting: 'OAUTH_AUTHORITY', cause: err });
  }
  const setting = AADSTS_SETTING.find(([re]) => re.test(text))?.[1] ?? 'OAUTH_CLIENT_ID';
  return new TasaeedError('OAUTH_TOKEN_REFUSED', `Microsoft refused a token (${code === '' ? 'error' : code}: ${firstLine}); check ${setting}`, { setting, cause: err });
}

export function microsoftTokenSource(s: MicrosoftSettings): TokenSource {
  const authority = new URL(s.authority);
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: s.clientId, authority: `${authority.origin}/${encodeURIComponent(s.tenantId)}`,
      // The host is trusted because the administrator configured it; no instance discovery round trip.
      knownAuthorities: [authority.host],
      ...credentials(s),
    },
  });
  return async (): Promise<AccessToken> => {
    let result: Awaited<ReturnType<typeof app.acquireTokenByClientCredential>>;
    try {
      // TokenCache in front decides when to renew, so MSAL's own cache is skipped.
      result = await app.acquireTokenByClientCredential({ scopes: [MICROSOFT_SCOPE], skipCache: true });
    } catch (err) {
      throw refusal(err);
    }
    if (result === null || result.accessToken === '') throw new TasaeedError('OAUTH_UNAVAILABLE', 'Microsoft answered without an access token', { setting: 'OAUTH_AUTHORITY' });
    return { token: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? Date.now() + 3_600_000 };
  };
}
