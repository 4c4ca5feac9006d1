/**
 * Real outages of a private services instance (never the shared test services): PostgreSQL stopped and started
 * again with pg_ctl on the same data directory and port, Dovecot stopped and started with the same config.
 * A restarted server has a new PID, so `stopRestarted` must run before the instance's own `stop()`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RunningServices } from '../../scripts/services.ts';
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
