/** The OAuth2 token source the settings choose (OAUTH_PROVIDER), behind one shared cache; none for passwords. */
import type { Config } from '../config.ts';
import { smtpAuthOf } from '../mail-auth-config.ts';
import { genericTokenSource } from './generic.ts';
import { TokenCache, type TokenSource } from './token-cache.ts';

/** msal-node and google-auth-library are loaded only by installations that use them (every CLI start pays otherwise). */
function lazy(load: () => Promise<TokenSource>): TokenSource {
  let loaded: Promise<TokenSource> | undefined;
  return async () => await (await (loaded ??= load()))();
}

function sourceFor(c: Config): TokenSource | undefined {
  switch (c.OAUTH_PROVIDER) {
    case 'microsoft':
      return lazy(async () => (await import('./microsoft.ts')).microsoftTokenSource({
        authority: c.OAUTH_AUTHORITY, tenantId: c.OAUTH_TENANT_ID ?? '', clientId: c.OAUTH_CLIENT_ID ?? '',
        clientSecret: c.OAUTH_CLIENT_SECRET, certFile: c.OAUTH_CERT_FILE, keyFile: c.OAUTH_KEY_FILE,
      }));
    case 'google':
      return lazy(async () => (await import('./google.ts')).googleTokenSource(c.GOOGLE_SERVICE_ACCOUNT_FILE ?? '', c.IMAP_USER));
    case 'generic':
      return genericTokenSource({
        tokenUrl: c.OAUTH_TOKEN_URL ?? '', clientId: c.OAUTH_CLIENT_ID ?? '', clientSecret: c.OAUTH_CLIENT_SECRET,
        scope: c.OAUTH_SCOPE, refreshToken: c.OAUTH_REFRESH_TOKEN,
      });
    case undefined:
      return undefined;
  }
}

/** One cache for IMAP and SMTP when either signs in with OAuth2 (the same mailbox, the same grant). */
export function mailTokens(c: Config): TokenCache | undefined {
  if (c.IMAP_AUTH !== 'oauth2' && smtpAuthOf(c) !== 'oauth2') return undefined;
  const source = sourceFor(c);
  return source === undefined ? undefined : new TokenCache(source);
}
