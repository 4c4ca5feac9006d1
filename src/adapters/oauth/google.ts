/**
 * Google Workspace: a service account with domain-wide delegation signs a JWT for the mailbox (the subject) and
 * exchanges it for an access token with the scope https://mail.google.com/ (google-auth-library 10.x: Node 20).
 * The key file's `token_uri` is honoured, as Google's own clients do for other universes and private endpoints.
 */
import { readFileSync } from 'node:fs';
import { gaxios, JWT } from 'google-auth-library';
import { TasaeedError } from '../../errors.ts';
import { tokenEndpointError } from './generic.ts';
import type { AccessToken, TokenSource } from './token-cache.ts';

export const GOOGLE_SCOPE = 'https://mail.google.com/';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

interface ServiceAccountKey {
  type?: unknown;
  client_email?: unknown;
  private_key?: unknown;
  private_key_id?: unknown;
  token_uri?: unknown;
}

function readKey(file: string): { email: string; key: string; keyId?: string; tokenUri: string } {
  let k: ServiceAccountKey;
  try {
    k = JSON.parse(readFileSync(file, 'utf8')) as ServiceAccountKey;
  } catch (err) {
    throw new TasaeedError('CONFIG_INVALID', `GOOGLE_SERVICE_ACCOUNT_FILE: ${file} is not a JSON key file`, { setting: 'GOOGLE_SERVICE_ACCOUNT_FILE', cause: err });
  }
  if (k.type !== 'service_account' || typeof k.client_email !== 'string' || typeof k.private_key !== 'string') {
    throw new TasaeedError('CONFIG_INVALID', `GOOGLE_SERVICE_ACCOUNT_FILE: ${file} is not a service account key (type "service_account" with client_email and private_key)`, { setting: 'GOOGLE_SERVICE_ACCOUNT_FILE' });
  }
  return {
    email: k.client_email, key: k.private_key, tokenUri: typeof k.token_uri === 'string' ? k.token_uri : GOOGLE_TOKEN_URL,
    ...(typeof k.private_key_id === 'string' ? { keyId: k.private_key_id } : {}),
  };
}

function transporterFor(tokenUri: string): gaxios.Gaxios {
  const transporter = new gaxios.Gaxios();
  if (tokenUri !== GOOGLE_TOKEN_URL) {
    transporter.interceptors.request.add({
      resolved: (o) => Promise.resolve(String(o.url) === GOOGLE_TOKEN_URL ? { ...o, url: new URL(tokenUri) } : o),
    });
  }
  return transporter;
}

/** `mailbox` is the address the service account acts as (IMAP_USER): the delegation's subject. */
export function googleTokenSource(file: string, mailbox: string): TokenSource {
  const k = readKey(file);
  const client = new JWT({
    email: k.email, key: k.key, scopes: [GOOGLE_SCOPE], subject: mailbox, transporter: transporterFor(k.tokenUri),
    ...(k.keyId === undefined ? {} : { keyId: k.keyId }),
  });
  return async (): Promise<AccessToken> => {
    try {
      const c = await client.authorize();
      if (typeof c.access_token !== 'string' || c.access_token === '') throw new Error('no access_token in the answer');
      return { token: c.access_token, expiresAt: c.expiry_date ?? Date.now() + 3_600_000 };
    } catch (err) {
      const e = err as { response?: { status?: unknown; data?: unknown } };
      if (typeof e.response?.status === 'number') {
        const t = tokenEndpointError(e.response.status, e.response.data, { grant: 'IMAP_USER', client: 'GOOGLE_SERVICE_ACCOUNT_FILE', endpoint: 'GOOGLE_SERVICE_ACCOUNT_FILE' }, err);
        // unauthorized_client: the service account has no domain-wide delegation for this scope
        return Promise.reject(t.code === 'OAUTH_TOKEN_REFUSED' && (e.response.data as { error?: unknown } | undefined)?.error === 'unauthorized_client'
          ? new TasaeedError('OAUTH_TOKEN_REFUSED', `${t.message.replace(/; check .*$/, '')}; check GOOGLE_SERVICE_ACCOUNT_FILE`, {
            setting: 'GOOGLE_SERVICE_ACCOUNT_FILE', cause: err,
            hint: `in the Google Admin console (Security > API controls > Domain-wide delegation) allow the service account's client ID the scope ${GOOGLE_SCOPE}`,
          })
          : t);
      }
      throw new TasaeedError('OAUTH_UNAVAILABLE', `Google's token endpoint could not be reached: ${err instanceof Error ? err.message : String(err)}`, { setting: 'GOOGLE_SERVICE_ACCOUNT_FILE', cause: err });
    }
  };
}
