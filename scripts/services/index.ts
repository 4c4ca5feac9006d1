/**
 * Private PostgreSQL, Redis and Dovecot (IMAP + LMTP) instances on free loopback ports — for the integration
 * tests, the benchmark and the quickstart, without Docker. An instance lives in <repo>/.run/<name>/ (or in a
 * temporary directory that .run/<name> links to, when the system users the servers run as cannot reach the
 * repository), is described by its state.json and is stopped by PID.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readlink, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { addMailboxesTo, startDovecot } from './dovecot.ts';
import { messageOf, rejectionMessages } from './errors.ts';
import { createInstanceDir, removeInstanceFiles } from './instance-dir.ts';
import { runLink } from './layout.ts';
import { serialized } from './locks.ts';
import { ensureServicePackages } from './packages.ts';
import { LOOPBACK } from './ports.ts';
import { DATABASE, startPostgres } from './postgres.ts';
import { procStat, stopProcess } from './processes.ts';
import { startRedis } from './redis.ts';
import { allAlive, loadState, saveState, SERVICES, type RecordPid, type ServiceEnv, type ServiceName, type StateFile } from './state.ts';
import { ensureSystemUser, isRoot } from './system-users.ts';
import { checkName, checkPassword, normalizeMailboxes } from './validation.ts';

export { ensureServicePackages };
export type { ServiceEnv };

export interface RunningServices {
  name: string;
  dir: string;
  env: ServiceEnv;
  pids: { postgres: number; redis: number; dovecot: number };
  addMailboxes(emails: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

async function stopInstance(state: StateFile): Promise<void> {
  const errors = rejectionMessages(await Promise.allSettled(SERVICES.map((s) => stopProcess(s, state.pids[s], state.starts[s]))));
  if (errors.length > 0) throw new Error(`could not stop the services of '${state.name}' (files kept in ${state.dir}):\n${errors.join('\n')}`);
  await removeInstanceFiles(state);
}

function handleFor(state: StateFile): RunningServices {
  return {
    name: state.name,
    dir: state.dir,
    env: { ...state.env },
    pids: { ...state.pids },
    addMailboxes: (emails) => addMailboxesTo(state.name, emails),
    // Read the state again: a restart (scripts/services/restart.ts) may have changed the PIDs since.
    stop: () => serialized(`instance:${state.name}`, async () => { await stopInstance((await loadState(state.name)) ?? state); }),
  };
}

/** Clears what a crashed or half-stopped earlier instance of this name left; refuses if it still runs. */
async function clearLeftovers(name: string): Promise<void> {
  const old = await loadState(name);
  if (old !== undefined) {
    if (allAlive(old)) {
      throw new Error(`services '${name}' are already running (data in ${old.dir}). Stop them first: npx tsx scripts/services.ts stop ${name}`);
    }
    await stopInstance(old);
    return;
  }
  const link = runLink(name);
  const info = await lstat(link).catch(() => undefined);
  if (info === undefined) return;
  const target = info.isSymbolicLink() ? resolve(dirname(link), await readlink(link)) : link;
  await unlink(link).catch(() => undefined);
  await removeInstanceFiles({ id: '', name, dir: target });
}

export interface ServiceOptions {
  name: string;
  mailboxes: readonly string[];
  password: string;
  /** PostgreSQL flushes every commit to disk (the bench's headline figures); tests leave it off. */
  durable?: boolean;
}

export async function startServices(opts: ServiceOptions): Promise<RunningServices> {
  const name = checkName(opts.name);
  const password = checkPassword(opts.password);
  const mailboxes = normalizeMailboxes(opts.mailboxes);
  await ensureServicePackages();
  return serialized(`instance:${name}`, async () => {
    await clearLeftovers(name);
    if (isRoot) for (const user of ['postgres', 'dovecot', 'dovenull']) await ensureSystemUser(user);
    const began = performance.now();
    const dir = await createInstanceDir(name);
    const state: StateFile = {
      id: randomBytes(8).toString('hex'),
      name,
      dir,
      env: { DATABASE_URL: '', REDIS_URL: '', IMAP_HOST: LOOPBACK, IMAP_PORT: '', LMTP_PORT: '' },
      pids: { postgres: 0, redis: 0, dovecot: 0 },
      starts: { postgres: null, redis: null, dovecot: null },
      password,
      mailboxes,
      startupMs: { postgres: 0, redis: 0, dovecot: 0, total: 0 },
      createdAt: new Date().toISOString(),
    };
    await saveState(state); // from here on `stop <name>` can clean up, even after a crash
    const recorder =
      (service: ServiceName): RecordPid =>
      (pid) => {
        state.pids[service] = pid;
        state.starts[service] = procStat(pid)?.start ?? null;
        return saveState(state);
      };
    const timed = async <T>(service: ServiceName, task: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await task();
      state.startupMs[service] = Math.round(performance.now() - t0);
      return result;
    };
    const [pg, redis, dovecot] = await Promise.allSettled([
      timed('postgres', () => startPostgres(dir, recorder('postgres'), opts.durable === true)),
      timed('redis', () => startRedis(dir, recorder('redis'))),
      timed('dovecot', () => startDovecot(dir, name, mailboxes, password, recorder('dovecot'))),
    ]);
    if (pg.status === 'rejected' || redis.status === 'rejected' || dovecot.status === 'rejected') {
      const reasons = rejectionMessages([pg, redis, dovecot]);
      const cleanup = await stopInstance(state).then(
        () => '',
        (err: unknown) => `\n(cleanup failed too: ${messageOf(err)})`,
      );
      throw new Error(`Could not start the private services '${name}':\n${reasons.join('\n')}${cleanup}`);
    }
    state.env = {
      DATABASE_URL: `postgres://postgres@${LOOPBACK}:${String(pg.value)}/${DATABASE}`,
      REDIS_URL: `redis://${LOOPBACK}:${String(redis.value)}`,
      IMAP_HOST: LOOPBACK,
      IMAP_PORT: String(dovecot.value.imapPort),
      LMTP_PORT: String(dovecot.value.lmtpPort),
    };
    state.startupMs.total = Math.round(performance.now() - began);
    await saveState(state);
    return handleFor(state);
  });
}

/** Stops the instance described by .run/<name>/state.json (possibly started by another process). */
export async function stopServices(name: string): Promise<boolean> {
  checkName(name);
  return serialized(`instance:${name}`, async () => {
    const state = await loadState(name);
    if (state === undefined) return false;
    await stopInstance(state);
    return true;
  });
}

export async function readRunningServices(name: string): Promise<RunningServices | undefined> {
  checkName(name);
  const state = await loadState(name);
  return state !== undefined && allAlive(state) ? handleFor(state) : undefined;
}
