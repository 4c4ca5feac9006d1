/**
 * Private PostgreSQL, Redis and Dovecot (IMAP + LMTP) instances on free loopback ports — for the integration
 * tests, the benchmark and the quickstart, without Docker. An instance lives in <repo>/.run/<name>/ (or in a
 * temporary directory that .run/<name> links to, when the system users the servers run as cannot reach the
 * repository), is described by its state.json and is stopped by PID.
 *
 *   npx tsx scripts/services.ts start <name> [--mailbox a@x --mailbox b@y] [--password pw]   # prints KEY=value
 *   npx tsx scripts/services.ts status <name>
 *   npx tsx scripts/services.ts stop <name>
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { appendFile, chmod, chown, lstat, mkdir, mkdtemp, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface ServiceEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  IMAP_HOST: string;
  IMAP_PORT: string;
  LMTP_PORT: string;
}

export interface RunningServices {
  name: string;
  dir: string;
  env: ServiceEnv;
  pids: { postgres: number; redis: number; dovecot: number };
  addMailboxes(emails: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const DATABASE = 'tasaeed';
const DEFAULT_PASSWORD = 'tasaeed';
const BIND_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const LOGIN_TIMEOUT_MS = 15_000;
// Unix socket paths must stay under 108 bytes: <dir>/dovecot-run/token-login/imap-urlauth is the longest one.
const MAX_DIR_LENGTH = 70;
// Dovecot's passwd-file args are split on spaces and its paths expand %-variables: keep paths plain.
const SAFE_PATH = /^[A-Za-z0-9_./+@-]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$/;
const EMAIL = /^[^\s:@"\\]+@[^\s:@"\\]+$/;
const BIND_ERROR = /address already in use|could not bind|could not create any TCP\/IP sockets|failed listening on port/i;
const SERVICES = ['postgres', 'redis', 'dovecot'] as const;
const ENV_KEYS = ['DATABASE_URL', 'REDIS_URL', 'IMAP_HOST', 'IMAP_PORT', 'LMTP_PORT'] as const;
type ServiceName = (typeof SERVICES)[number];

const isRoot = process.getuid?.() === 0;
const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

class ServiceError extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'ServiceError';
  }
}

// ---------------------------------------------------------------------------------------------- state

interface StateFile {
  id: string;
  name: string;
  dir: string;
  env: ServiceEnv;
  /** 0 = not started (yet). */
  pids: Record<ServiceName, number>;
  /** /proc start time of each PID, so a reused PID is never taken for ours. */
  starts: Record<ServiceName, string | null>;
  password: string;
  mailboxes: string[];
  startupMs: Record<ServiceName | 'total', number>;
  createdAt: string;
}

function runLink(name: string): string {
  return join(repoRoot, '.run', name);
}

function paths(dir: string) {
  return {
    state: join(dir, 'state.json'),
    pgData: join(dir, 'pg'),
    pgSocket: join(dir, 'pgsock'),
    pgLog: join(dir, 'postgres.log'),
    redisDir: join(dir, 'redis'),
    redisPid: join(dir, 'redis', 'redis.pid'),
    redisLog: join(dir, 'redis.log'),
    dovecotConf: join(dir, 'dovecot.conf'),
    dovecotBase: join(dir, 'dovecot-run'),
    dovecotState: join(dir, 'dovecot-state'),
    dovecotLog: join(dir, 'dovecot.log'),
    users: join(dir, 'users'),
    mail: join(dir, 'mail'),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseState(raw: unknown): StateFile | undefined {
  if (!isRecord(raw)) return undefined;
  const { id, name, dir, env, pids, starts, password, mailboxes, startupMs, createdAt } = raw;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof dir !== 'string') return undefined;
  if (typeof password !== 'string' || typeof createdAt !== 'string') return undefined;
  if (!isRecord(env) || !isRecord(pids) || !isRecord(starts) || !isRecord(startupMs)) return undefined;
  if (!Array.isArray(mailboxes) || !mailboxes.every((m): m is string => typeof m === 'string')) return undefined;
  if (!ENV_KEYS.every((k) => typeof env[k] === 'string')) return undefined;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    id,
    name,
    dir,
    env: {
      DATABASE_URL: String(env.DATABASE_URL),
      REDIS_URL: String(env.REDIS_URL),
      IMAP_HOST: String(env.IMAP_HOST),
      IMAP_PORT: String(env.IMAP_PORT),
      LMTP_PORT: String(env.LMTP_PORT),
    },
    pids: { postgres: num(pids.postgres), redis: num(pids.redis), dovecot: num(pids.dovecot) },
    starts: { postgres: str(starts.postgres), redis: str(starts.redis), dovecot: str(starts.dovecot) },
    password,
    mailboxes: [...mailboxes],
    startupMs: {
      postgres: num(startupMs.postgres),
      redis: num(startupMs.redis),
      dovecot: num(startupMs.dovecot),
      total: num(startupMs.total),
    },
    createdAt,
  };
}

async function loadState(name: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(runLink(name), 'state.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const raw: unknown = JSON.parse(text);
    return parseState(raw);
  } catch {
    return undefined;
  }
}

function saveState(state: StateFile): Promise<void> {
  return serialized(`state:${state.dir}`, async () => {
    const file = paths(state.dir).state;
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  });
}

const queues = new Map<string, Promise<unknown>>();

/** Runs tasks with the same key one after another (within this process). */
function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

// ------------------------------------------------------------------------------------------ processes

interface RunOptions {
  service: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stream output to our stderr instead of capturing it. */
  stream?: boolean;
  okCodes?: readonly number[];
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function commandLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function lastLines(text: string, count = 15): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

function block(title: string, text: string): string {
  const body = lastLines(text);
  return body === '' ? '' : `\n  ${title}:\n${body.replace(/^/gm, '    | ')}`;
}

async function fileText(path: string, from = 0): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).slice(from);
  } catch {
    return '';
  }
}

function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? process.cwd(),
      env: opts.env ?? process.env,
      stdio: opts.stream === true ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-20_000);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.once('error', (err) => {
      reject(new ServiceError(opts.service, `could not run \`${commandLine(cmd, args)}\`: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      const exit = code ?? -1;
      if ((opts.okCodes ?? [0]).includes(exit)) {
        resolveRun({ code: exit, stdout, stderr });
        return;
      }
      const how = signal === null ? `exit code ${String(exit)}` : `signal ${signal}`;
      const output = opts.stream === true ? '\n  (its output is above)' : block('its output', `${stdout}\n${stderr}`);
      reject(new ServiceError(opts.service, `\`${commandLine(cmd, args)}\` failed (${how})${output}`));
    });
  });
}

/** As root, PostgreSQL must run as the unprivileged `postgres` user. */
function runAsPostgres(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return isRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], opts) : run(cmd, args, opts);
}

/** Field 22 of /proc/<pid>/stat: the start time, which tells a reused PID from ours. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');

function isAlive(pid: number, start: string | null): boolean {
  if (pid <= 0) return false;
  if (!hasProc) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const info = procStat(pid);
  if (info === undefined || info.state === 'Z' || info.state === 'X') return false; // gone, or a zombie not reaped yet
  return start === null || info.start === start;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function waitForExit(pid: number, start: string | null, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid, start)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

async function stopProcess(service: ServiceName, pid: number, start: string | null): Promise<void> {
  if (!isAlive(pid, start)) return;
  // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
  signal(pid, service === 'postgres' ? 'SIGINT' : 'SIGTERM');
  if (await waitForExit(pid, start, STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, start, 5_000))) {
    throw new ServiceError(service, `process ${String(pid)} is still running after SIGTERM and SIGKILL`);
  }
}

// --------------------------------------------------------------------------------------------- ports

const portsHandedOut = new Set<number>();

/** A port nobody listens on now; never the same one twice in this process. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => {
        const address = server.address();
        const found = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => {
          resolvePort(found);
        });
      });
    });
    if (port > 0 && !portsHandedOut.has(port)) {
      portsHandedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port on 127.0.0.1');
}

interface LineConnection {
  readLine(): Promise<string>;
  send(text: string): void;
}

/** A tiny line-based TCP client, enough to read greetings and log in over IMAP. */
async function talk<T>(port: number, timeoutMs: number, dialog: (conn: LineConnection) => Promise<T>): Promise<T> {
  const socket = createConnection({ host: LOOPBACK, port });
  socket.setEncoding('utf8');
  const lines: string[] = [];
  let buffer = '';
  let failure: Error | undefined;
  let waiter: { resolve: (line: string) => void; reject: (err: Error) => void } | undefined;
  const fail = (err: Error): void => {
    failure ??= err;
    const w = waiter;
    waiter = undefined;
    w?.reject(failure);
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, i).replace(/\r$/, ''));
      buffer = buffer.slice(i + 1);
    }
    const line = lines.shift();
    if (line === undefined) return;
    const w = waiter;
    if (w === undefined) {
      lines.unshift(line);
      return;
    }
    waiter = undefined;
    w.resolve(line);
  });
  socket.on('error', fail);
  socket.on('close', () => {
    fail(new Error('connection closed'));
  });
  const timer = setTimeout(() => {
    fail(new Error(`no answer within ${String(timeoutMs)} ms`));
    socket.destroy();
  }, timeoutMs);
  const conn: LineConnection = {
    readLine: () =>
      new Promise<string>((resolveLine, reject) => {
        const line = lines.shift();
        if (line !== undefined) resolveLine(line);
        else if (failure !== undefined) reject(failure);
        else waiter = { resolve: resolveLine, reject };
      }),
    send: (text) => {
      socket.write(text);
    },
  };
  try {
    return await dialog(conn);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

async function greetingOf(port: number): Promise<string | undefined> {
  try {
    return await talk(port, 2_000, (conn) => conn.readLine());
  } catch {
    return undefined;
  }
}

function imapQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

async function imapLoginWorks(port: number, user: string, password: string): Promise<boolean> {
  try {
    return await talk(port, 10_000, async (conn) => {
      if (!(await conn.readLine()).startsWith('* OK')) return false;
      conn.send(`a1 LOGIN ${imapQuote(user)} ${imapQuote(password)}\r\n`);
      for (;;) {
        const line = await conn.readLine();
        if (!line.startsWith('a1 ')) continue;
        conn.send('a2 LOGOUT\r\n');
        return line.startsWith('a1 OK');
      }
    });
  } catch {
    return false;
  }
}

async function waitForLogin(port: number, user: string, password: string, dovecotLog: string): Promise<void> {
  const deadline = Date.now() + LOGIN_TIMEOUT_MS;
  while (!(await imapLoginWorks(port, user, password))) {
    if (Date.now() > deadline) {
      throw new ServiceError('dovecot', `IMAP login as ${user} on port ${String(port)} does not work${block('dovecot.log', await fileText(dovecotLog))}`);
    }
    await sleep(100);
  }
}

// ------------------------------------------------------------------------------ packages and users

function findExecutable(name: string): string | undefined {
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
function findPostgresBin(): string | undefined {
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

const idCache = new Map<string, number>();

async function numericId(flag: '-u' | '-g', user: string): Promise<number> {
  const key = `${flag}${user}`;
  const cached = idCache.get(key);
  if (cached !== undefined) return cached;
  const { stdout } = await run('id', [flag, user], { service: 'system' });
  const id = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(id)) throw new ServiceError('system', `\`id ${flag} ${user}\` printed ${JSON.stringify(stdout)}`);
  idCache.set(key, id);
  return id;
}

async function ensureSystemUser(user: string): Promise<void> {
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

interface DovecotUsers {
  mailUser: string;
  mailGroup: string;
  internalUser: string;
  internalGroup: string;
  loginUser: string;
}

async function dovecotUsers(): Promise<DovecotUsers> {
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

// ------------------------------------------------------------------------------------ directories

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

function ancestors(path: string): string[] {
  const list: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    list.push(dir);
    if (dirname(dir) === dir) return list;
  }
}

/** Can the `postgres` and `nobody` users reach `path` (every directory above it has o+x)? */
function othersCanReach(path: string): boolean {
  let real: string;
  try {
    real = join(realpathSync(dirname(path)), basename(path));
  } catch {
    return false;
  }
  return [...ancestors(path), ...ancestors(real)].every((dir) => {
    try {
      return (statSync(dir).mode & 0o001) !== 0;
    } catch {
      return false;
    }
  });
}

async function createInstanceDir(name: string): Promise<string> {
  const link = runLink(name);
  const runRoot = dirname(link);
  if ((await mkdir(runRoot, { recursive: true })) !== undefined) await chmod(runRoot, 0o755);
  if (link.length <= MAX_DIR_LENGTH && SAFE_PATH.test(link) && (!isRoot || othersCanReach(link))) {
    await mkdir(link);
    await chmod(link, 0o755);
    return link;
  }
  const system = tmpdir();
  const base = SAFE_PATH.test(system) && system.length <= 30 && othersCanReach(join(system, 'x')) ? system : '/tmp';
  const dir = await mkdtemp(join(base, `tasaeed-${name.slice(0, 24)}-`));
  await chmod(dir, 0o755);
  await symlink(dir, link);
  return dir;
}

/** Removes the data directory and .run/<name>, unless .run/<name> now belongs to a newer instance. */
async function removeInstanceFiles(state: Pick<StateFile, 'id' | 'name' | 'dir'>): Promise<void> {
  const link = runLink(state.name);
  const current = await loadState(state.name);
  const linkIsOurs = current === undefined || current.id === state.id;
  if (linkIsOurs && (await lstat(link).catch(() => undefined))?.isSymbolicLink() === true) await unlink(link);
  // Never remove anything but what this script creates.
  const removable = state.dir === link ? linkIsOurs : basename(state.dir).startsWith('tasaeed-');
  if (removable) await rm(state.dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------- PostgreSQL

type RecordPid = (pid: number) => Promise<void>;

async function startPostgres(dir: string, record: RecordPid): Promise<number> {
  const bin = findPostgresBin();
  if (bin === undefined) throw new ServiceError('postgres', 'no /usr/lib/postgresql/<version>/bin (apt-get install -y postgresql)');
  const p = paths(dir);
  await mkdir(p.pgData, { mode: 0o700 });
  await mkdir(p.pgSocket, { mode: 0o755 });
  await writeFile(p.pgLog, '');
  if (isRoot) {
    const [uid, gid] = await Promise.all([numericId('-u', 'postgres'), numericId('-g', 'postgres')]);
    await Promise.all([p.pgData, p.pgSocket, p.pgLog].map((f) => chown(f, uid, gid)));
  }
  await runAsPostgres(
    join(bin, 'initdb'),
    ['-D', p.pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    { service: 'postgres', cwd: dir },
  );
  const settings = {
    listen_addresses: `'${LOOPBACK}'`,
    unix_socket_directories: `'${p.pgSocket}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    shared_buffers: '256MB',
  };
  const conf = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  await appendFile(join(p.pgData, 'postgresql.conf'), `\n# scripts/services.ts\n${conf.join('\n')}\n`);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await writeFile(p.pgLog, '');
    try {
      await runAsPostgres(join(bin, 'pg_ctl'), ['-D', p.pgData, '-l', p.pgLog, '-w', '-t', '60', '-o', `-p ${String(port)}`, 'start'], {
        service: 'postgres',
        cwd: dir,
      });
    } catch (err) {
      const log = await fileText(p.pgLog);
      if (attempt < BIND_ATTEMPTS && BIND_ERROR.test(log)) continue;
      throw new ServiceError('postgres', `${(err as Error).message}${block('postgres.log', log)}`);
    }
    const pid = Number.parseInt((await fileText(join(p.pgData, 'postmaster.pid'))).split('\n')[0] ?? '', 10);
    if (!Number.isInteger(pid) || pid <= 0) throw new ServiceError('postgres', `started, but ${p.pgData}/postmaster.pid has no PID`);
    await record(pid);
    await run(
      join(bin, 'psql'),
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', LOOPBACK, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', `CREATE DATABASE ${DATABASE}`],
      { service: 'postgres', cwd: dir },
    );
    return port;
  }
}

// ------------------------------------------------------------------------------------------ Redis

async function startRedis(dir: string, record: RecordPid): Promise<number> {
  const p = paths(dir);
  await mkdir(p.redisDir, { mode: 0o755 });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await rm(p.redisPid, { force: true });
    await writeFile(p.redisLog, '');
    const args = ['--bind', LOOPBACK, '--port', String(port), '--dir', p.redisDir, '--save', '', '--appendonly', 'yes'];
    args.push('--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--pidfile', p.redisPid, '--logfile', p.redisLog);
    await run('redis-server', args, { service: 'redis', cwd: dir });
    // The daemon writes its pidfile only once it listens; if it dies first, its log says why.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let pid = Number.NaN;
    let log = '';
    for (;;) {
      pid = Number.parseInt(await fileText(p.redisPid), 10);
      if (pid > 0) break;
      log = await fileText(p.redisLog);
      const daemon = /^(\d+):\w [^\n]*Redis is starting/m.exec(log)?.[1];
      const dead = daemon !== undefined && !isAlive(Number(daemon), null) && !existsSync(p.redisPid);
      if (dead || Date.now() > deadline) break;
      await sleep(20);
    }
    if (!(pid > 0)) {
      if (attempt < BIND_ATTEMPTS && BIND_ERROR.test(log)) continue;
      throw new ServiceError('redis', `redis-server on port ${String(port)} did not come up${block('redis.log', log)}`);
    }
    await record(pid);
    const pong = await talk(port, 5_000, async (conn) => {
      conn.send('PING\r\n');
      return conn.readLine();
    }).catch((err: unknown) => String(err));
    if (pong !== '+PONG') throw new ServiceError('redis', `PING on port ${String(port)} answered ${JSON.stringify(pong)}${block('redis.log', await fileText(p.redisLog))}`);
    return port;
  }
}

// ---------------------------------------------------------------------------------------- Dovecot

function dovecotConfig(o: { dir: string; name: string; imapPort: number; lmtpPort: number; greeting: string; users: DovecotUsers }): string {
  const p = paths(o.dir);
  return `# Generated by scripts/services.ts for the private instance '${o.name}'. Do not edit: it is rewritten at start.
base_dir = ${p.dovecotBase}
state_dir = ${p.dovecotState}
log_path = ${p.dovecotLog}
instance_name = tasaeed-${o.name}
protocols = imap lmtp
listen = ${LOOPBACK}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Lu
auth_verbose = yes
login_greeting = ${o.greeting}

default_internal_user = ${o.users.internalUser}
default_internal_group = ${o.users.internalGroup}
default_login_user = ${o.users.loginUser}
first_valid_uid = 1
mail_uid = ${o.users.mailUser}
mail_gid = ${o.users.mailGroup}
mail_home = ${p.mail}/%u
mail_location = maildir:~/Maildir
# Throwaway mail, like PostgreSQL's fsync=off here: an fsync per APPEND or LMTP delivery only measures the disk.
mail_fsync = never

# core+finance@x is delivered to core@x's INBOX
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
lmtp_rcpt_check_quota = no

passdb {
  driver = passwd-file
  args = ${p.users}
}
userdb {
  driver = passwd-file
  args = ${p.users}
}

namespace inbox {
  inbox = yes
  separator = /
}

protocol imap {
  # tests and workers open many connections as one user from 127.0.0.1
  mail_max_userip_connections = 1000
}

service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = ${LOOPBACK}
    port = ${String(o.imapPort)}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = ${LOOPBACK}
    port = ${String(o.lmtpPort)}
  }
}
`;
}

async function writeUsersFile(dir: string, mailboxes: readonly string[], password: string): Promise<void> {
  const file = paths(dir).users;
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, mailboxes.map((m) => `${m}:{PLAIN}${password}::::::\n`).join(''), { mode: 0o600 });
  if (isRoot) {
    // read by Dovecot's auth process, which runs as the `dovecot` user
    await chown(tmp, 0, await numericId('-g', 'dovecot'));
    await chmod(tmp, 0o640);
  }
  // a new inode and size: Dovecot's passwd-file notices the change on the next lookup
  await rename(tmp, file);
}

interface DovecotPorts {
  imapPort: number;
  lmtpPort: number;
}

async function startDovecot(dir: string, name: string, mailboxes: readonly string[], password: string, record: RecordPid): Promise<DovecotPorts> {
  const binary = findExecutable('dovecot');
  if (binary === undefined) throw new ServiceError('dovecot', 'the dovecot binary is missing (apt-get install -y dovecot-imapd dovecot-lmtpd)');
  const p = paths(dir);
  const users = await dovecotUsers();
  await mkdir(p.mail, { mode: 0o755 });
  await mkdir(p.dovecotState, { mode: 0o755 });
  if (isRoot) await chown(p.mail, await numericId('-u', users.mailUser), await numericId('-g', users.mailUser)); // mail must not be root's
  await writeUsersFile(dir, mailboxes, password);

  for (let attempt = 1; ; attempt++) {
    const imapPort = await freePort();
    const lmtpPort = await freePort();
    // Our own greeting tells our Dovecot from another server that grabbed the port meanwhile.
    const greeting = `tasaeed-${name}-${randomBytes(6).toString('hex')} ready.`;
    await writeFile(p.dovecotConf, dovecotConfig({ dir, name, imapPort, lmtpPort, greeting, users }), { mode: 0o644 });
    const logStart = (await fileText(p.dovecotLog)).length;
    const logFd = openSync(p.dovecotLog, 'a', 0o644);
    let child: ChildProcess;
    try {
      child = spawn(binary, ['-F', '-c', p.dovecotConf], { cwd: dir, detached: true, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    let exited: string | undefined;
    child.once('error', (err) => {
      exited = `could not run ${binary}: ${err.message}`;
    });
    child.once('exit', (code, sig) => {
      exited = sig === null ? `exited with code ${String(code)}` : `was killed by ${sig}`;
    });
    child.unref();
    if (child.pid !== undefined) await record(child.pid);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (!ready && exited === undefined && Date.now() < deadline) {
      const [imap, lmtp] = await Promise.all([greetingOf(imapPort), greetingOf(lmtpPort)]);
      ready = imap?.includes(greeting) === true && lmtp?.startsWith('220 ') === true && lmtp.includes(greeting);
      if (!ready) await sleep(50);
    }
    if (ready) {
      const first = mailboxes[0];
      if (first !== undefined) await waitForLogin(imapPort, first, password, p.dovecotLog);
      return { imapPort, lmtpPort };
    }
    await sleep(exited === undefined ? 0 : 100); // let the last log lines land
    const log = (await fileText(p.dovecotLog)).slice(logStart);
    if (exited !== undefined && attempt < BIND_ATTEMPTS && BIND_ERROR.test(log)) continue;
    const why = exited ?? `did not answer on IMAP port ${String(imapPort)} and LMTP port ${String(lmtpPort)} within ${String(READY_TIMEOUT_MS / 1000)} s`;
    throw new ServiceError('dovecot', `\`${commandLine(binary, ['-F', '-c', p.dovecotConf])}\` ${why}${block('dovecot.log', log)}`);
  }
}

// -------------------------------------------------------------------------------------- instances

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid instance name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-' (at most 48)`);
  return name;
}

function normalizeMailboxes(emails: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of emails) {
    const email = raw.trim().toLowerCase(); // Dovecot lowercases logins (auth_username_format = %Lu)
    if (!EMAIL.test(email)) throw new Error(`invalid mailbox address ${JSON.stringify(raw)}`);
    if (!out.includes(email)) out.push(email);
  }
  return out;
}

function checkPassword(password: string): string {
  if (password === '' || /[:\r\n]/.test(password)) throw new Error('the mailbox password must be non-empty and contain no ":" or line breaks');
  return password;
}

function allAlive(state: StateFile): boolean {
  return SERVICES.every((s) => isAlive(state.pids[s], state.starts[s]));
}

async function stopInstance(state: StateFile): Promise<void> {
  const results = await Promise.allSettled(SERVICES.map((s) => stopProcess(s, state.pids[s], state.starts[s])));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (errors.length > 0) throw new Error(`could not stop the services of '${state.name}' (files kept in ${state.dir}):\n${errors.join('\n')}`);
  await removeInstanceFiles(state);
}

/** Cross-process mutual exclusion with an O_EXCL lock file; a lock left by a dead process is taken over. */
async function withFileLock<T>(lockPath: string, task: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await writeFile(lockPath, `${String(process.pid)}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await fileText(lockPath), 10);
      if (holder > 0 && !isAlive(holder, null)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockPath} (held by PID ${String(holder)})`);
      await sleep(20);
    }
  }
  try {
    return await task();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function addMailboxesTo(name: string, emails: readonly string[]): Promise<void> {
  const wanted = normalizeMailboxes(emails);
  // Test workers in several processes add mailboxes to one instance: read-modify-write under a file lock.
  const { state, added } = await serialized(`instance:${name}`, () =>
    withFileLock(join(runLink(name), 'users.lock'), async () => {
      const current = await loadState(name);
      if (current === undefined || !allAlive(current)) throw new ServiceError('dovecot', `services '${name}' are not running, cannot add mailboxes`);
      const missing = wanted.filter((m) => !current.mailboxes.includes(m));
      if (missing.length > 0) {
        current.mailboxes.push(...missing);
        await writeUsersFile(current.dir, current.mailboxes, current.password);
        await saveState(current);
      }
      return { state: current, added: missing };
    }),
  );
  // Dovecot re-stats a passwd-file at most once per wall-clock second (db-passwd-file.c: last_sync_time ==
  // ioloop_time), so a lookup earlier in the second of the last write may hide it until the next second. This also
  // covers mailboxes that another process added a moment ago.
  const written = (await stat(paths(state.dir).users)).mtimeMs;
  const wait = (Math.floor(written / 1_000) + 1) * 1_000 + 50 - Date.now();
  if (wait > 0) await sleep(wait);
  for (const mailbox of added) await waitForLogin(Number(state.env.IMAP_PORT), mailbox, state.password, paths(state.dir).dovecotLog);
}

function handleFor(state: StateFile): RunningServices {
  return {
    name: state.name,
    dir: state.dir,
    env: { ...state.env },
    pids: { ...state.pids },
    addMailboxes: (emails) => addMailboxesTo(state.name, emails),
    stop: () => serialized(`instance:${state.name}`, () => stopInstance(state)),
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

export async function startServices(opts: { name: string; mailboxes: readonly string[]; password: string }): Promise<RunningServices> {
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
      timed('postgres', () => startPostgres(dir, recorder('postgres'))),
      timed('redis', () => startRedis(dir, recorder('redis'))),
      timed('dovecot', () => startDovecot(dir, name, mailboxes, password, recorder('dovecot'))),
    ]);
    if (pg.status === 'rejected' || redis.status === 'rejected' || dovecot.status === 'rejected') {
      const reasons = [pg, redis, dovecot].flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
      const cleanup = await stopInstance(state).then(
        () => '',
        (err: unknown) => `\n(cleanup failed too: ${err instanceof Error ? err.message : String(err)})`,
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

// -------------------------------------------------------------------------------------------- CLI

function printEnv(env: ServiceEnv): void {
  for (const key of ENV_KEYS) process.stdout.write(`${key}=${env[key]}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  const usage = 'usage: tsx scripts/services.ts start <name> [--mailbox a@x ...] [--password pw] | stop <name> | status <name>';
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { mailbox: { type: 'string', multiple: true }, password: { type: 'string' } },
  });
  const [command, name, ...rest] = positionals;
  if (name === undefined || rest.length > 0) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  switch (command) {
    case 'start': {
      const services = await startServices({ name, mailboxes: values.mailbox ?? [], password: values.password ?? DEFAULT_PASSWORD });
      printEnv(services.env);
      const t = (await loadState(name))?.startupMs;
      const timing = t === undefined ? '' : ` in ${String(t.total)} ms (postgres ${String(t.postgres)}, redis ${String(t.redis)}, dovecot ${String(t.dovecot)})`;
      process.stderr.write(`services '${name}' started${timing}; data in ${services.dir}\n`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopServices(name);
      process.stderr.write(stopped ? `services '${name}' stopped\n` : `services '${name}' were not running\n`);
      return 0;
    }
    case 'status': {
      const services = await readRunningServices(name);
      if (services === undefined) {
        process.stderr.write(`services '${name}' are not running\n`);
        return 1;
      }
      printEnv(services.env);
      const { postgres, redis, dovecot } = services.pids;
      process.stdout.write(`SERVICES_DIR=${services.dir}\nPOSTGRES_PID=${String(postgres)}\nREDIS_PID=${String(redis)}\nDOVECOT_PID=${String(dovecot)}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return 2;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
