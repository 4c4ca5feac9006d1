/**
 * The Microsoft 365 and Google Workspace flavours as far as they go offline: `tasaeed start` sends its token
 * request (through @azure/msal-node, through google-auth-library) to a loopback endpoint standing in for Entra ID
 * or Google; we check that request field by field (grant, scope, client authentication, signed assertions), that
 * the provider's documented refusal stops start-up naming the setting, and that a token it hands out opens the
 * Core mailbox on the private Dovecot.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Installation, PASSWORD } from '../support/harness.ts';
import { startAuthServer, type AuthServer } from '../support/mail-servers/auth-server.ts';
import { startCloudTokenEndpoints, type CloudTokenEndpoints } from '../support/mail-servers/cloud-token-endpoints.ts';
import { makePrivateCa, type PrivateCa } from '../support/mail-servers/private-ca.ts';
import { startPrivateDovecot, type PrivateDovecot } from '../support/mail-servers/private-dovecot.ts';

const CLIENT = { id: 'cloud-bridge', secret: 'cloud-bridge-secret-0123456789' };
const TENANT = '8f2c1d34-5a6b-4c7d-9e0f-123456789abc';
const APP_ID = '0a1b2c3d-4e5f-6789-abcd-ef0123456789';
let ca: PrivateCa;
let auth: AuthServer;
let dovecot: PrivateDovecot;
let cloud: CloudTokenEndpoints;
const installations: Installation[] = [];

beforeAll(async () => {
  ca = makePrivateCa();
  auth = await startAuthServer({ accessTokenSeconds: 60, clients: [CLIENT] });
  dovecot = await startPrivateDovecot({ ca, password: PASSWORD, auth });
  cloud = await startCloudTokenEndpoints(ca, auth, CLIENT);
});

afterAll(async () => {
  for (const i of installations) await i.close();
  await cloud.close();
  await dovecot.stop();
  await auth.close();
});

async function install(env: (inst: Installation) => Record<string, string>): Promise<Installation> {
  const inst = await Installation.create('cloud', [{ after: '1h', notify: ['general_manager'] }], {
    env: (i) => ({
      // the stand-in endpoints are HTTPS on the private CA, like the real ones on a public CA
      NODE_EXTRA_CA_CERTS: ca.caFile,
      IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.imapsPort), IMAP_SECURE: 'true', IMAP_TLS_CA: ca.caFile,
      IMAP_AUTH: 'oauth2', IMAP_PASSWORD: '', ...env(i),
    }),
  });
  installations.push(inst);
  return inst;
}

const b64url = (s: string): Buffer => Buffer.from(s, 'base64url');
function jwtParts(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signed: Buffer; signature: Buffer } {
  const [h = '', p = '', s = ''] = jwt.split('.');
  return { header: JSON.parse(b64url(h).toString()) as Record<string, unknown>, payload: JSON.parse(b64url(p).toString()) as Record<string, unknown>, signed: Buffer.from(`${h}.${p}`), signature: b64url(s) };
}

describe('Microsoft 365 (msal-node, client credentials)', () => {
  const microsoft = (extra: Record<string, string>) => (): Record<string, string> => ({
    OAUTH_PROVIDER: 'microsoft', OAUTH_AUTHORITY: cloud.origin, OAUTH_TENANT_ID: TENANT, OAUTH_CLIENT_ID: APP_ID, ...extra,
  });

  it('sends the client-credentials request for the Exchange scope, and an expired secret stops start-up naming OAUTH_CLIENT_SECRET', async () => {
    cloud.answer = { refuse: { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000222: The provided client secret keys for app \'0a1b\' are expired.', error_codes: [7000222] } } };
    const before = cloud.requests.length;
    const inst = await install(microsoft({ OAUTH_CLIENT_SECRET: 'expired-secret-value' }));
    await expect(inst.start()).rejects.toThrow(/tasaeed exited with 1/);
    const req = cloud.requests[before];
    expect(req?.path).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(req?.form).toMatchObject({ grant_type: 'client_credentials', client_id: APP_ID, client_secret: 'expired-secret-value', scope: 'https://outlook.office365.com/.default' });
    const log = readFileSync(inst.logFile, 'utf8');
    expect(log).toMatch(/Microsoft refused a token \(invalid_client: .*AADSTS7000222.*\); check OAUTH_CLIENT_SECRET/);
    expect(log).not.toContain('expired-secret-value');
  });

  it('signs its assertion with the certificate (x5t#S256) and opens the mailbox with the token it gets', async () => {
    const dir = ca.dir;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=tasaeed-app',
      '-keyout', join(dir, 'app.key'), '-out', join(dir, 'app.pem')], { stdio: 'ignore' });
    const before = cloud.requests.length;
    let mailbox = '';
    const inst = await install((i) => { mailbox = i.addr('core'); return microsoft({ OAUTH_CERT_FILE: join(dir, 'app.pem'), OAUTH_KEY_FILE: join(dir, 'app.key') })(); });
    cloud.answer = { issueFor: mailbox };
    await inst.start(); // resolves once tasaeed listens to the Core mailbox with the token
    const req = cloud.requests.slice(before).find((r) => r.form.client_assertion !== undefined);
    expect(req?.form).toMatchObject({ grant_type: 'client_credentials', client_id: APP_ID, scope: 'https://outlook.office365.com/.default', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect(req?.form.client_secret).toBeUndefined();
    const cert = new X509Certificate(readFileSync(join(dir, 'app.pem')));
    const jwt = jwtParts(req?.form.client_assertion ?? '');
    expect(jwt.header['x5t#S256']).toBe(createHash('sha256').update(cert.raw).digest('base64url'));
    expect(jwt.payload).toMatchObject({ iss: APP_ID, sub: APP_ID, aud: `${cloud.origin}/${TENANT}/oauth2/v2.0/token` });
    const alg = String(jwt.header.alg);
    expect(verify(alg === 'PS256' ? 'sha256' : 'RSA-SHA256', jwt.signed, alg === 'PS256' ? { key: cert.publicKey, padding: 6, saltLength: 32 } : cert.publicKey, jwt.signature)).toBe(true);
  });
});

describe('Google Workspace (google-auth-library, service account with domain-wide delegation)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = (dir: string): string => {
    const file = join(dir, 'service-account.json');
    writeFileSync(file, JSON.stringify({
      type: 'service_account', project_id: 'tasaeed-test', private_key_id: 'k1', client_id: '1234567890',
      client_email: 'tasaeed@tasaeed-test.iam.gserviceaccount.com', token_uri: `${cloud.origin}/google/token`,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }));
    return file;
  };

  it('asks for a token as the mailbox (subject) with the Gmail scope; without delegation start-up names GOOGLE_SERVICE_ACCOUNT_FILE', async () => {
    cloud.answer = { refuse: { status: 401, body: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' } } };
    const before = cloud.requests.length;
    let mailbox = '';
    const inst = await install((i) => { mailbox = i.addr('core'); return { OAUTH_PROVIDER: 'google', GOOGLE_SERVICE_ACCOUNT_FILE: keyFile(ca.dir) }; });
    await expect(inst.start()).rejects.toThrow(/tasaeed exited with 1/);
    const req = cloud.requests[before];
    expect(req?.path).toBe('/google/token');
    expect(req?.form.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const jwt = jwtParts(req?.form.assertion ?? '');
    expect(jwt.header).toMatchObject({ alg: 'RS256' });
    expect(jwt.payload).toMatchObject({ iss: 'tasaeed@tasaeed-test.iam.gserviceaccount.com', sub: mailbox, scope: 'https://mail.google.com/' });
    expect(verify('RSA-SHA256', jwt.signed, publicKey, jwt.signature)).toBe(true);
    expect(readFileSync(inst.logFile, 'utf8')).toMatch(/unauthorized_client.*; check GOOGLE_SERVICE_ACCOUNT_FILE/);
  });

  it('opens the mailbox with the token Google hands out', async () => {
    let mailbox = '';
    const inst = await install((i) => { mailbox = i.addr('core'); return { OAUTH_PROVIDER: 'google', GOOGLE_SERVICE_ACCOUNT_FILE: keyFile(ca.dir) }; });
    cloud.answer = { issueFor: mailbox };
    await inst.start();
  });
});
