/** The Debian packages the servers come from: found on disk, or installed with apt-get when we are root. */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes.ts';
import { isRoot } from './system-users.ts';

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The bin directory of the highest PostgreSQL version installed by Debian's packages. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = readdirSync(root);
  } catch {
    return undefined;
  }
  const usable = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .filter((v) => ['initdb', 'pg_ctl', 'psql'].every((b) => existsSync(join(root, v, 'bin', b))))
    .sort((a, b) => Number(b) - Number(a));
  const best = usable[0];
  return best === undefined ? undefined : join(root, best, 'bin');
}

const REQUIRED_PACKAGES: readonly { pkg: string; present: () => boolean }[] = [
  { pkg: 'redis-server', present: () => findExecutable('redis-server') !== undefined },
  {
    pkg: 'dovecot-imapd',
    present: () => findExecutable('dovecot') !== undefined && existsSync('/usr/lib/dovecot/imap') && existsSync('/usr/lib/dovecot/imap-login'),
  },
  { pkg: 'dovecot-lmtpd', present: () => existsSync('/usr/lib/dovecot/lmtp') },
  { pkg: 'postgresql', present: () => findPostgresBin() !== undefined },
];

function missingPackages(): string[] {
  return REQUIRED_PACKAGES.filter((r) => !r.present()).map((r) => r.pkg);
}

let aptUpdated = false;
let installing: Promise<void> | undefined;

async function aptInstall(packages: readonly string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  process.stderr.write(`services: installing ${packages.join(' ')} with apt-get…\n`);
  if (!aptUpdated) {
    await run('apt-get', ['update'], { service: 'apt', env, stream: true });
    aptUpdated = true;
  }
  await run('apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=300', ...packages], { service: 'apt', env, stream: true });
}

export async function ensureServicePackages(): Promise<void> {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (!isRoot) {
    throw new Error(
      `The private test services need packages that are not installed: ${missing.join(', ')}.\n` +
        `Install them as root, then run this again:\n  sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  installing ??= aptInstall(missing).finally(() => {
    installing = undefined;
  });
  await installing;
  const still = missingPackages();
  if (still.length > 0) {
    throw new Error(`apt-get install finished but these packages still look missing: ${still.join(', ')} (binaries not found)`);
  }
}
