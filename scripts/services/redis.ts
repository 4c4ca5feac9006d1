/** A private Redis on a free port, append-only and never evicting (BullMQ's jobs must not vanish). */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { block, ServiceError } from './errors.ts';
import { fileText } from './files.ts';
import { paths } from './layout.ts';
import { talk } from './line-client.ts';
import { pollUntil } from './poll.ts';
import { freePort, LOOPBACK, onFreePorts, startFailure } from './ports.ts';
import { isAlive, READY_TIMEOUT_MS, run } from './processes.ts';
import type { RecordPid } from './state.ts';

/** Returns the port it listens on. */
export async function startRedis(dir: string, record: RecordPid): Promise<number> {
  const p = paths(dir);
  await mkdir(p.redisDir, { mode: 0o755 });
  return onFreePorts(async () => {
    const port = await freePort();
    await rm(p.redisPid, { force: true });
    await writeFile(p.redisLog, '');
    const args = ['--bind', LOOPBACK, '--port', String(port), '--dir', p.redisDir, '--save', '', '--appendonly', 'yes'];
    args.push('--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--pidfile', p.redisPid, '--logfile', p.redisLog);
    await run('redis-server', args, { service: 'redis', cwd: dir });
    // The daemon writes its pidfile only once it listens; if it dies first, its log says why.
    let pid = Number.NaN;
    let log = '';
    await pollUntil(
      async () => {
        pid = Number.parseInt(await fileText(p.redisPid), 10);
        if (pid > 0) return true;
        log = await fileText(p.redisLog);
        const daemon = /^(\d+):\w [^\n]*Redis is starting/m.exec(log)?.[1];
        return daemon !== undefined && !isAlive(Number(daemon), null) && !existsSync(p.redisPid);
      },
      READY_TIMEOUT_MS,
      20,
    );
    if (!(pid > 0)) throw startFailure('redis', `redis-server on port ${String(port)} did not come up${block('redis.log', log)}`, log);
    await record(pid);
    const pong = await talk(port, 5_000, async (conn) => {
      conn.send('PING\r\n');
      return conn.readLine();
    }).catch((err: unknown) => String(err));
    if (pong !== '+PONG') throw new ServiceError('redis', `PING on port ${String(port)} answered ${JSON.stringify(pong)}${block('redis.log', await fileText(p.redisLog))}`);
    return port;
  });
}
