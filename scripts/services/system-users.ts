/** Who we are, and the system users the servers run as (as root they must not run as root). */
import { chown } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { ServiceError } from './errors.ts';
import { serialized } from './locks.ts';
import { run } from './processes.ts';

export const isRoot = process.getuid?.() === 0;

const idCache = new Map<string, number>();

export async function numericId(flag: '-u' | '-g', user: string): Promise<number> {
  const key = `${flag}${user}`;
  const cached = idCache.get(key);
  if (cached !== undefined) return cached;
  const { stdout } = await run('id', [flag, user], { service: 'system' });
  const id = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(id)) throw new ServiceError('system', `\`id ${flag} ${user}\` printed ${JSON.stringify(stdout)}`);
  idCache.set(key, id);
  return id;
}

/** Gives the files to `user` and to that user's primary group. */
export async function chownTo(user: string, files: readonly string[]): Promise<void> {
  const [uid, gid] = await Promise.all([numericId('-u', user), numericId('-g', user)]);
  await Promise.all(files.map((f) => chown(f, uid, gid)));
}

export async function ensureSystemUser(user: string): Promise<void> {
  return serialized(`useradd:${user}`, async () => {
    const { code } = await run('id', ['-u', user], { service: 'system', okCodes: [0, 1] });
    if (code === 0) return;
    process.stderr.write(`services: creating system user ${user}\n`);
    // exit code 9: created meanwhile by another process
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', user], {
      service: 'system',
      okCodes: [0, 9],
    });
  });
}

export interface DovecotUsers {
  mailUser: string;
  mailGroup: string;
  internalUser: string;
  internalGroup: string;
  loginUser: string;
}

export async function dovecotUsers(): Promise<DovecotUsers> {
  if (isRoot) {
    const { stdout } = await run('id', ['-gn', 'nobody'], { service: 'dovecot' });
    return { mailUser: 'nobody', mailGroup: stdout.trim(), internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull' };
  }
  // Without root Dovecot cannot switch users: every user it knows must be us.
  const user = userInfo().username;
  const { stdout } = await run('id', ['-gn'], { service: 'dovecot' });
  const group = stdout.trim();
  return { mailUser: user, mailGroup: group, internalUser: user, internalGroup: group, loginUser: user };
}
