/** Where an instance lives: .run/<name> in the repository, and the files inside its directory. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** .run/<name>: the instance directory itself, or a link to it. */
export function runLink(name: string): string {
  return join(repoRoot, '.run', name);
}

export function paths(dir: string) {
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
