/**
 * A real OAuth2 authorization server on loopback (oidc-provider, the certified implementation): client
 * credentials and refresh-token grants, token introspection (for Dovecot and the SMTP server) and revocation, with
 * access tokens living only a few seconds so that renewal and re-connection are exercised.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface AuthServerOptions {
  /** Access-token lifetime in seconds. */
  accessTokenSeconds: number;
  /** Confidential clients. */
  clients: { id: string; secret: string }[];
}

export interface AuthServer {
  issuer: string;
  tokenUrl: string;
  introspectionUrl: string;
  /** Credentials of the client that introspects tokens (Dovecot, the SMTP server). */
  introspector: { id: string; secret: string };
  /** Lets a client's client-credentials tokens open a mailbox (their `username`), as an Exchange admin scopes an app. */
  allowMailbox(clientId: string, mailbox: string): void;
  /** Access tokens issued so far (every grant). */
  issued(): number;
  /** Requests to the token endpoint so far, refused ones included. */
  tokenRequests(): number;
  /** A refresh token for `mailbox`, as the authorization-code flow would leave it (consent given once). */
  refreshTokenFor(clientId: string, mailbox: string): Promise<string>;
  /** Revokes a token at the revocation endpoint, as an administrator withdrawing consent. */
  revoke(clientId: string, token: string): Promise<void>;
  /** Asks the introspection endpoint who a token belongs to (undefined when inactive). */
  introspect(token: string): Promise<string | undefined>;
  close(): Promise<void>;
}

const INTROSPECTOR = { id: 'mail-server', secret: 'mail-server-secret-0123456789' };

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function startAuthServer(o: AuthServerOptions): Promise<AuthServer> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const mailboxOf = new Map<string, string>();
  let issued = 0;
  const provider = new Provider(issuer, {
    clients: [
      ...o.clients.map((c) => ({
        client_id: c.id, client_secret: c.secret, grant_types: ['client_credentials', 'refresh_token', 'authorization_code'],
        redirect_uris: ['http://127.0.0.1/callback'], response_types: ['code' as const], scope: 'openid offline_access mail',
      })),
      { client_id: INTROSPECTOR.id, client_secret: INTROSPECTOR.secret, grant_types: [], redirect_uris: [], response_types: [] as 'code'[] },
    ],
    scopes: ['openid', 'offline_access', 'mail'],
    cookies: { keys: ['test-only-cookie-key-0123456789'] },
    features: {
      clientCredentials: { enabled: true },
      // only the mail servers' own client may ask who a token belongs to
      introspection: { enabled: true, allowedPolicy: (ctx) => Promise.resolve(ctx.oidc.client?.clientId === INTROSPECTOR.id) }, revocation: { enabled: true },
      devInteractions: { enabled: false },
    },
    ttl: { AccessToken: o.accessTokenSeconds, ClientCredentials: o.accessTokenSeconds, RefreshToken: 3600, Grant: 3600 },
    rotateRefreshToken: false,
    findAccount: (_ctx, id) => Promise.resolve({ accountId: id, claims: () => Promise.resolve({ sub: id }) }),
    // The mailbox a token opens: the account for user grants, the client's mailbox for client credentials.
    extraTokenClaims: (_ctx, token) => {
      const t = token as { accountId?: string; clientId?: string };
      return Promise.resolve({ username: t.accountId ?? mailboxOf.get(t.clientId ?? '') });
    },
  });
  provider.on('access_token.saved', () => { issued += 1; });
  provider.on('client_credentials.saved', () => { issued += 1; });
  const handle = provider.callback();
  let tokenRequests = 0;
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/token') tokenRequests += 1;
    void handle(req, res);
  });
  const tokenUrl = `${issuer}/token`;
  const introspectionUrl = `${issuer}/token/introspection`;

  return {
    issuer, tokenUrl, introspectionUrl, introspector: INTROSPECTOR,
    issued: () => issued,
    tokenRequests: () => tokenRequests,
    allowMailbox: (clientId, mailbox) => { mailboxOf.set(clientId, mailbox); },
    async refreshTokenFor(clientId, mailbox) {
      const client = await provider.Client.find(clientId);
      if (client === undefined) throw new Error(`no client ${clientId}`);
      const grant = new provider.Grant({ accountId: mailbox, clientId });
      grant.addOIDCScope('openid offline_access mail');
      const grantId = await grant.save();
      const rt = new provider.RefreshToken({ client, accountId: mailbox, grantId, scope: 'openid offline_access mail', gty: 'authorization_code' });
      return await rt.save();
    },
    async revoke(clientId, token) {
      const secret = o.clients.find((c) => c.id === clientId)?.secret ?? '';
      const res = await fetch(`${issuer}/token/revocation`, {
        method: 'POST', headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      if (!res.ok) throw new Error(`revocation answered ${String(res.status)}`);
    },
    async introspect(token) {
      const res = await fetch(introspectionUrl, {
        method: 'POST', headers: { authorization: basic(INTROSPECTOR.id, INTROSPECTOR.secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      const body = await res.json() as { active?: boolean; username?: string };
      return body.active === true ? body.username : undefined;
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => { r(); }); }),
  };
}
