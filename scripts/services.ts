/**
 * Private PostgreSQL, Redis and Dovecot (IMAP + LMTP) instances on free loopback ports, for the integration tests,
 * the benchmark and the quickstart (the parts are in scripts/services/). This file is their public API and the CLI:
 *
 *   npx tsx scripts/services.ts start <name> [--mailbox a@x --mailbox b@y] [--password pw]   # prints KEY=value
 *   npx tsx scripts/services.ts status <name>
 *   npx tsx scripts/services.ts stop <name>
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readRunningServices, startServices, stopServices, type ServiceEnv } from './services/index.ts';
import { messageOf } from './services/errors.ts';
import { ENV_KEYS, loadState } from './services/state.ts';

export { ensureServicePackages, readRunningServices, startServices, stopServices } from './services/index.ts';
export type { RunningServices, ServiceEnv } from './services/index.ts';

const DEFAULT_PASSWORD = 'tasaeed';

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
      process.stderr.write(`${messageOf(err)}\n`);
      process.exitCode = 1;
    },
  );
}
