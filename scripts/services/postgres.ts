/** A private PostgreSQL cluster: initdb, start on a free port, create the database. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { block, messageOf, ServiceError } from './errors.ts';
import { fileText } from './files.ts';
import { paths } from './layout.ts';
import { findPostgresBin } from './packages.ts';
import { freePort, LOOPBACK, onFreePorts, startFailure } from './ports.ts';
import { run, type RunOptions, type RunResult } from './processes.ts';
import type { RecordPid } from './state.ts';
import { chownTo, isRoot } from './system-users.ts';

export const DATABASE = 'tasaeed';

/** As root, PostgreSQL must run as the unprivileged `postgres` user. */
function runAsPostgres(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return isRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], opts) : run(cmd, args, opts);
}

/**
 * Returns the port it listens on. Tests run without flushing to disk (their data is thrown away); `durable` keeps
 * PostgreSQL's defaults — fsync, synchronous_commit and full_page_writes on — as anyone runs the database their
 * escalations live in, for the bench's headline figures.
 */
export async function startPostgres(dir: string, record: RecordPid, durable = false): Promise<number> {
  const bin = findPostgresBin();
  if (bin === undefined) throw new ServiceError('postgres', 'no /usr/lib/postgresql/<version>/bin (apt-get install -y postgresql)');
  const p = paths(dir);
  await mkdir(p.pgData, { mode: 0o700 });
  await mkdir(p.pgSocket, { mode: 0o755 });
  await writeFile(p.pgLog, '');
  if (isRoot) await chownTo('postgres', [p.pgData, p.pgSocket, p.pgLog]);
  await runAsPostgres(
    join(bin, 'initdb'),
    ['-D', p.pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    { service: 'postgres', cwd: dir },
  );
  const settings = {
    listen_addresses: `'${LOOPBACK}'`,
    unix_socket_directories: `'${p.pgSocket}'`,
    ...(durable ? { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    max_connections: '200',
    shared_buffers: '256MB',
  };
  const conf = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  await appendFile(join(p.pgData, 'postgresql.conf'), `\n# scripts/services.ts\n${conf.join('\n')}\n`);

  return onFreePorts(async () => {
    const port = await freePort();
    await writeFile(p.pgLog, '');
    try {
      await runAsPostgres(join(bin, 'pg_ctl'), ['-D', p.pgData, '-l', p.pgLog, '-w', '-t', '60', '-o', `-p ${String(port)}`, 'start'], {
        service: 'postgres',
        cwd: dir,
      });
    } catch (err) {
      const log = await fileText(p.pgLog);
      throw startFailure('postgres', `${messageOf(err)}${block('postgres.log', log)}`, log);
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
  });
}
