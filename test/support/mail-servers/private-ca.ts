/** A private CA and a server certificate for 127.0.0.1 / localhost, made with openssl in a temporary directory. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateCa {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  /** A second CA that signed nothing here: trusting it must not help. */
  otherCaFile: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

export function makePrivateCa(): PrivateCa {
  const dir = mkdtempSync(join(tmpdir(), 'tasaeed-ca-'));
  chmodSync(dir, 0o755);
  ca(dir, 'tasaeed-test-ca');
  ca(dir, 'unrelated-ca');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost',
    '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'tasaeed-test-ca.pem', '-CAkey', 'tasaeed-test-ca.key',
    '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem']);
  chmodSync(join(dir, 'server.key'), 0o644); // read by Dovecot's unprivileged processes in some set-ups; a throwaway key
  return {
    dir, caFile: join(dir, 'tasaeed-test-ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8'),
    otherCaFile: join(dir, 'unrelated-ca.pem'),
  };
}
