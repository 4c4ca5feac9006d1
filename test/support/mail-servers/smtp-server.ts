/**
 * A real SMTP submission server on loopback (smtp-server): STARTTLS on a private-CA certificate (or none, to test
 * that we refuse to send in the clear), sign-in by password or by XOAUTH2 checked against the authorization
 * server's introspection endpoint, and the messages it accepted, parsed.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AuthServer } from './auth-server.ts';
import type { PrivateCa } from './private-ca.ts';

export interface SmtpServerOptions {
  /** Offer STARTTLS with this CA's server certificate; without it the server speaks only in the clear. */
  ca?: PrivateCa;
  auth?: { password: string } | { oauth: AuthServer };
}

export interface TestSmtpServer {
  port: number;
  received: ParsedMail[];
  /** Sign-ins: the user, the method and (XOAUTH2) the access token, in order. */
  logins: { user: string; method: string; token?: string }[];
  /** Client connections opened in all, and the most open at one time. */
  connections: { opened: number; peak: number };
  close(): Promise<void>;
}

export async function startSmtpServer(o: SmtpServerOptions): Promise<TestSmtpServer> {
  const received: ParsedMail[] = [];
  const logins: { user: string; method: string; token?: string }[] = [];
  const auth = o.auth;
  const connections = { opened: 0, peak: 0 };
  let open = 0;
  const server = new SMTPServer({
    onConnect(_session, done) {
      connections.opened += 1;
      open += 1;
      connections.peak = Math.max(connections.peak, open);
      done();
    },
    onClose() { open -= 1; },
    ...(o.ca === undefined ? { disabledCommands: auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'], allowInsecureAuth: true } : { key: o.ca.key, cert: o.ca.cert }),
    ...(auth === undefined ? { authOptional: true } : { authMethods: 'oauth' in auth ? ['XOAUTH2'] : ['PLAIN', 'LOGIN'] }),
    logger: false,
    onAuth(a, _session, done) {
      if (auth === undefined) { done(new Error('no sign-in here')); return; }
      if ('password' in auth) {
        if (a.password === auth.password) { logins.push({ user: a.username ?? '', method: a.method }); done(null, { user: a.username }); } else done(new Error('Invalid username or password'));
        return;
      }
      auth.oauth.introspect(a.accessToken ?? '').then((owner) => {
        if (owner !== undefined && owner === a.username) {
          logins.push({ user: owner, method: a.method, token: a.accessToken ?? '' });
          done(null, { user: owner });
        } else {
          done(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
        }
      }, (err: unknown) => { done(err instanceof Error ? err : new Error(String(err))); });
    },
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => { received.push(m); done(); }, (err: unknown) => { done(err instanceof Error ? err : new Error(String(err))); });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, logins, connections, close: () => new Promise<void>((r) => { server.close(() => { r(); }); }) };
}
