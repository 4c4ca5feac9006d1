/** An instance's state.json: its ports, PIDs and mailboxes, read back by any process; alive by PID + start time. */
import { readFile } from 'node:fs/promises';
import { replaceFile } from './files.ts';
import { paths, runLink } from './layout.ts';
import { serialized } from './locks.ts';
import { isAlive } from './processes.ts';

export interface ServiceEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  IMAP_HOST: string;
  IMAP_PORT: string;
  LMTP_PORT: string;
}

export const ENV_KEYS = ['DATABASE_URL', 'REDIS_URL', 'IMAP_HOST', 'IMAP_PORT', 'LMTP_PORT'] as const;
export const SERVICES = ['postgres', 'redis', 'dovecot'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface StateFile {
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

/** Called by a starter as soon as its server has a PID, so that a crash later still leaves it stoppable. */
export type RecordPid = (pid: number) => Promise<void>;

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

export async function loadState(name: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(paths(runLink(name)).state, 'utf8');
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

export function saveState(state: StateFile): Promise<void> {
  return serialized(`state:${state.dir}`, () => replaceFile(paths(state.dir).state, `${JSON.stringify(state, null, 2)}\n`, 0o600));
}

export function allAlive(state: StateFile): boolean {
  return SERVICES.every((s) => isAlive(state.pids[s], state.starts[s]));
}
