/** Creating and removing an instance's directory: .run/<name>, or a temporary directory that it links to. */
import { realpathSync, statSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { runLink } from './layout.ts';
import { loadState, type StateFile } from './state.ts';
import { isRoot } from './system-users.ts';

// Unix socket paths must stay under 108 bytes: <dir>/dovecot-run/token-login/imap-urlauth is the longest one.
const MAX_DIR_LENGTH = 70;
// Dovecot's passwd-file args are split on spaces and its paths expand %-variables: keep paths plain.
const SAFE_PATH = /^[A-Za-z0-9_./+@-]+$/;

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

export async function createInstanceDir(name: string): Promise<string> {
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
export async function removeInstanceFiles(state: Pick<StateFile, 'id' | 'name' | 'dir'>): Promise<void> {
  const link = runLink(state.name);
  const current = await loadState(state.name);
  const linkIsOurs = current === undefined || current.id === state.id;
  if (linkIsOurs && (await lstat(link).catch(() => undefined))?.isSymbolicLink() === true) await unlink(link);
  // Never remove anything but what this script creates.
  const removable = state.dir === link ? linkIsOurs : basename(state.dir).startsWith('tasaeed-');
  if (removable) await rm(state.dir, { recursive: true, force: true });
}
