/**
 * Stand-ins on loopback for Microsoft Entra ID's and Google's token endpoints, which cannot be reached offline:
 * they record the request each library really sends (HTTPS on the private CA, as Entra must be) and answer with
 * either the provider's documented refusal or a real access token from the test authorization server, so that the
 * token then opens the private Dovecot like any other.
 */
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AuthServer } from './auth-server.ts';
import type { PrivateCa } from './private-ca.ts';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

/** How the endpoint answers the next token request. */
export type TokenAnswer = { refuse: { status: number; body: Record<string, unknown> } } | { issueFor: string };

export interface CloudTokenEndpoints {
  origin: string;
  requests: RecordedRequest[];
  answer: TokenAnswer;
  close(): Promise<void>;
}

export async function startCloudTokenEndpoints(ca: PrivateCa, auth: AuthServer, client: { id: string; secret: string }): Promise<CloudTokenEndpoints> {
  const state: { answer: TokenAnswer } = { answer: { refuse: { status: 400, body: { error: 'invalid_request' } } } };
  const requests: RecordedRequest[] = [];
  const server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const send = (status: number, json: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)); };
      const tenant = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path)?.[1];
      if (tenant !== undefined) {
        // the discovery document MSAL reads before its first token request
        send(200, {
          issuer: `${origin}/${tenant}/v2.0`, token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`, jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
          end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
        });
        return;
      }
      requests.push({ path, headers: req.headers, form: Object.fromEntries(new URLSearchParams(body)) });
      const a = state.answer;
      if ('refuse' in a) { send(a.refuse.status, a.refuse.body); return; }
      auth.allowMailbox(client.id, a.issueFor);
      fetch(auth.tokenUrl, {
        method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mail' }),
        headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      }).then(async (r) => { send(200, { token_type: 'Bearer', ...(await r.json() as object) }); }, () => { send(503, {}); });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `https://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    origin, requests,
    get answer() { return state.answer; },
    set answer(a: TokenAnswer) { state.answer = a; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => { r(); }); }),
  };
}
