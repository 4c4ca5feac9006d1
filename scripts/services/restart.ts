/**
 * Outages on purpose, for the fault tests: PostgreSQL restarted (same data, same port), Redis stopped and started
 * again empty on the same port, Dovecot's sessions of one user cut or its password changed. The state file follows the new PIDs, so the
 * instance is still stopped by PID afterwards.
 */
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from './files.ts';
import { paths } from './layout.ts';
import { findExecutable, findPostgresBin } from './packages.ts';
import { pollUntil } from './poll.ts';
import { LOOPBACK } from './ports.ts';
import { procStat, run, stopProcess } from './processes.ts';
import { loadState, saveState, type ServiceName, type StateFile } from './state.ts';
import { isRoot } from './system-users.ts';

async function stateOf(name: string): Promise<StateFile> {
  const state = await loadState(name);
  if (state === undefined) throw new Error(`services '${name}' are not running`);
  return state;
}

async function recordPid(state: StateFile, service: ServiceName, pid: number): Promise<void> {
  state.pids[service] = pid;
  state.starts[service] = procStat(pid)?.start ?? null;
  await saveState(state);
}

function pgCtl(args: readonly string[]): Promise<unknown> {
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error('no PostgreSQL binaries');
  const cmd = join(bin, 'pg_ctl');
  return isRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], { service: 'postgres' }) : run(cmd, args, { service: 'postgres' });
}

/** Stops PostgreSQL (fast: open sessions are cut); `startPostgresAgain` brings it back on the same port. */
export async function stopPostgres(name: string): Promise<void> {
  const state = await stateOf(name);
  await pgCtl(['-D', paths(state.dir).pgData, '-m', 'fast', '-w', 'stop']);
}

export async function startPostgresAgain(name: string): Promise<void> {
  const state = await stateOf(name);
  const p = paths(state.dir);
  const port = new URL(state.env.DATABASE_URL).port;
  await pgCtl(['-D', p.pgData, '-l', p.pgLog, '-w', '-t', '60', '-o', `-p ${port}`, 'start']);
  const pid = Number.parseInt((await readFile(join(p.pgData, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
  await recordPid(state, 'postgres', pid);
}

/** Stops Redis without saving and starts it again on the same port with nothing in it. */
export async function restartRedisEmpty(name: string, downMs = 0): Promise<void> {
  const state = await stateOf(name);
  const p = paths(state.dir);
  await stopProcess('redis', state.pids.redis, state.starts.redis);
  await rm(p.redisDir, { recursive: true, force: true });
  await mkdir(p.redisDir, { mode: 0o755 });
  if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
  const port = new URL(state.env.REDIS_URL).port;
  await run('redis-server', ['--bind', LOOPBACK, '--port', port, '--dir', p.redisDir, '--save', '', '--appendonly', 'no',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--pidfile', p.redisPid, '--logfile', p.redisLog], { service: 'redis' });
  let pid = 0;
  await pollUntil(async () => {
    pid = Number.parseInt(await readFile(p.redisPid, 'utf8').catch(() => ''), 10);
    return pid > 0;
  }, 10_000, 20);
  await recordPid(state, 'redis', pid);
}

async function doveadm(name: string, args: readonly string[]): Promise<string> {
  const state = await stateOf(name);
  const cmd = findExecutable('doveadm');
  if (cmd === undefined || !existsSync(paths(state.dir).dovecotConf)) throw new Error('no doveadm or dovecot.conf');
  return (await run(cmd, ['-c', paths(state.dir).dovecotConf, ...args], { service: 'dovecot' })).stdout;
}

/** Cuts every IMAP session of one user, as a network blip or a server restart would. */
export async function kickImapUser(name: string, user: string): Promise<void> {
  await doveadm(name, ['kick', user]);
}

/** Open IMAP sessions of one user, as the server counts them (`doveadm who -1`). */
export async function imapSessions(name: string, user: string): Promise<number> {
  const out = await doveadm(name, ['who', '-1', user]);
  return out.split('\n').filter((l) => l.includes(user) && /\bimap\b/.test(l)).length;
}

/**
 * Gives one mailbox another password and ends its open sessions: the next login with the old password is
 * refused, as when an administrator changes it.
 */
export async function changePassword(name: string, user: string, password: string): Promise<void> {
  const file = paths((await stateOf(name)).dir).users;
  const info = await stat(file);
  const text = (await readFile(file, 'utf8')).split('\n')
    .map((l) => l.startsWith(`${user}:`) ? `${user}:{PLAIN}${password}::::::` : l).join('\n');
  await replaceFile(file, text, info.mode & 0o777, async (tmp) => { await chown(tmp, info.uid, info.gid); });
  // Dovecot looks at the file again at most once per wall-clock second.
  await new Promise((r) => setTimeout(r, 1100));
  // Nobody logged in (a refused login has no session) is fine: there is nothing to cut.
  await kickImapUser(name, user).catch((err: unknown) => {
    if (!(err instanceof Error && err.message.includes('no users kicked'))) throw err;
  });
}
