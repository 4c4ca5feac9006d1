/**
 * Real outages of a private services instance (never the shared test services): PostgreSQL stopped and started
 * again with pg_ctl on the same data directory and port, Dovecot stopped and started with the same config.
 * A restarted server has a new PID, so `stopRestarted` must run before the instance's own `stop()`.
 */
import { execFileSync } from 'node:child_process';
import { chown, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningServices } from '../../scripts/services.ts';
import { replaceFile } from '../../scripts/services/files.ts';
import { findExecutable, findPostgresBin } from '../../scripts/services/packages.ts';
import { isRoot } from '../../scripts/services/system-users.ts';

function asPostgres(cmd: string, args: string[]): void {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  execFileSync(file, argv, { stdio: 'ignore' });
}

function pgCtl(svc: RunningServices, args: string[]): void {
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error('no PostgreSQL binaries');
  asPostgres(join(bin, 'pg_ctl'), ['-D', join(svc.dir, 'pg'), ...args]);
}

export function stopPostgres(svc: RunningServices): void {
  pgCtl(svc, ['-m', 'fast', '-w', 'stop']);
}

export function startPostgres(svc: RunningServices): void {
  const port = new URL(svc.env.DATABASE_URL).port;
  pgCtl(svc, ['-l', join(svc.dir, 'postgres.log'), '-w', '-o', `-p ${port}`, 'start']);
}

const dovecotConf = (svc: RunningServices): string => join(svc.dir, 'dovecot.conf');

export function stopDovecot(svc: RunningServices): void {
  execFileSync(findExecutable('doveadm') ?? 'doveadm', ['-c', dovecotConf(svc), 'stop'], { stdio: 'ignore' });
}

export function startDovecot(svc: RunningServices): void {
  execFileSync(findExecutable('dovecot') ?? 'dovecot', ['-c', dovecotConf(svc)], { stdio: 'ignore' });
}

/** Users with an IMAP session right now, one line per session (`doveadm who -1`). */
export function imapSessions(svc: RunningServices, user: string): number {
  const out = execFileSync(findExecutable('doveadm') ?? 'doveadm', ['-c', dovecotConf(svc), 'who', '-1', user], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(user) && /\bimap\b/.test(l)).length;
}

/** Stops what the outage helpers restarted (their PIDs are not the instance's); a server already stopped is fine. */
export function stopRestarted(svc: RunningServices, o: { postgres: boolean; dovecot: boolean }): void {
  try { if (o.postgres) stopPostgres(svc); } catch { /* not running */ }
  try { if (o.dovecot) stopDovecot(svc); } catch { /* not running */ }
}

/**
 * Gives one mailbox another password (Dovecot re-reads its passwd-file within a second) and ends its open
 * sessions: the next login with the old password is refused, as when an administrator changes it.
 */
export async function changePassword(svc: RunningServices, user: string, password: string): Promise<void> {
  const file = join(svc.dir, 'users');
  const info = await stat(file);
  const text = (await readFile(file, 'utf8')).split('\n')
    .map((l) => l.startsWith(`${user}:`) ? `${user}:{PLAIN}${password}::::::` : l).join('\n');
  await replaceFile(file, text, info.mode & 0o777, async (tmp) => { await chown(tmp, info.uid, info.gid); });
  // Dovecot looks at the file again at most once per wall-clock second.
  await sleep(1100);
  execFileSync(findExecutable('doveadm') ?? 'doveadm', ['-c', dovecotConf(svc), 'kick', user], { stdio: 'ignore' });
}
