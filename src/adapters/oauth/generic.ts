/**
 * Any OAuth2 token endpoint (RFC 6749): the client-credentials grant, or the refresh-token grant when
 * OAUTH_REFRESH_TOKEN is set (e.g. Keycloak or another authorization server in front of Dovecot). The client
 * authenticates with HTTP Basic, which every server must accept (RFC 6749 §2.3.1).
 */
import { TasaeedError } from '../../errors.ts';
import type { AccessToken, TokenSource } from './token-cache.ts';

export interface GenericOAuthSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  scope?: string | undefined;
  refreshToken?: string | undefined;
}

/** OAuth2 error codes that mean "this will not work until someone changes a setting or a grant". */
const REFUSALS = new Set(['invalid_client', 'invalid_grant', 'unauthorized_client', 'invalid_scope', 'access_denied', 'unsupported_grant_type']);

/** The typed error for a token endpoint's answer: refused (permanent) or unavailable (transient). */
export function tokenEndpointError(status: number, body: unknown, settings: { grant: string; client: string; endpoint: string }, cause?: unknown): TasaeedError {
  const b = typeof body === 'object' && body !== null ? body as { error?: unknown; error_description?: unknown } : {};
  const code = typeof b.error === 'string' ? b.error : undefined;
  const detail = [code, typeof b.error_description === 'string' ? b.error_description : undefined].filter((x) => x !== undefined).join(': ');
  const said = `${String(status)}${detail === '' ? '' : ` ${detail}`}`;
  if ((code !== undefined && REFUSALS.has(code)) || status === 400 || status === 401 || status === 403) {
    // invalid_grant names the grant (refresh token, consent); anything else the client's own credentials.
    const setting = code === 'invalid_grant' ? settings.grant : settings.client;
    return new TasaeedError('OAUTH_TOKEN_REFUSED', `the authorization server refused a token (${said}); check ${setting}`, { setting, cause });
  }
  return new TasaeedError('OAUTH_UNAVAILABLE', `the token endpoint answered ${said}`, { setting: settings.endpoint, cause });
}

function form(s: GenericOAuthSettings, refreshToken: string | undefined): URLSearchParams {
  const body = new URLSearchParams(refreshToken === undefined
    ? { grant_type: 'client_credentials' }
    : { grant_type: 'refresh_token', refresh_token: refreshToken });
  if (s.scope !== undefined && s.scope !== '') body.set('scope', s.scope);
  if (s.clientSecret === undefined) body.set('client_id', s.clientId); // a public client names itself in the body
  return body;
}

export function genericTokenSource(s: GenericOAuthSettings, now: () => number = Date.now): TokenSource {
  // A server that rotates refresh tokens answers with a new one; the newest is kept for the next request.
  let refreshToken = s.refreshToken;
  const settings = {
    grant: refreshToken === undefined ? 'OAUTH_CLIENT_ID' : 'OAUTH_REFRESH_TOKEN',
    client: s.clientSecret === undefined ? 'OAUTH_CLIENT_ID' : 'OAUTH_CLIENT_SECRET',
    endpoint: 'OAUTH_TOKEN_URL',
  };
  return async (): Promise<AccessToken> => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (s.clientSecret !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(s.clientId)}:${encodeURIComponent(s.clientSecret)}`).toString('base64')}`;
    }
    const startedAt = now();
    let res: Response;
    try {
      res = await fetch(s.tokenUrl, { method: 'POST', headers, body: form(s, refreshToken), signal: AbortSignal.timeout(20_000) });
    } catch (err) {
      throw new TasaeedError('OAUTH_UNAVAILABLE', `the token endpoint ${new URL(s.tokenUrl).origin} could not be reached`, { setting: 'OAUTH_TOKEN_URL', cause: err });
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw tokenEndpointError(res.status, body, settings);
    const t = (body ?? {}) as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    if (typeof t.access_token !== 'string' || t.access_token === '') {
      throw new TasaeedError('OAUTH_UNAVAILABLE', 'the token endpoint answered without an access_token', { setting: 'OAUTH_TOKEN_URL' });
    }
    if (typeof t.refresh_token === 'string' && refreshToken !== undefined) refreshToken = t.refresh_token;
    const seconds = typeof t.expires_in === 'number' ? t.expires_in : Number(t.expires_in ?? 3600);
    return { token: t.access_token, expiresAt: startedAt + (Number.isFinite(seconds) ? seconds : 3600) * 1000 };
  };
}
