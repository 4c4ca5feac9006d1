/** A private Dovecot (IMAP + LMTP) on free ports, and its mailboxes: a passwd-file shared by every process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dovecotConfig } from './dovecot-config.ts';
import { block, ServiceError } from './errors.ts';
import { fileText, replaceFile } from './files.ts';
import { waitForLogin } from './imap-login.ts';
import { paths, runLink } from './layout.ts';
import { greetingOf } from './line-client.ts';
import { serialized, withFileLock } from './locks.ts';
import { findExecutable } from './packages.ts';
import { freePort, onFreePorts, startFailure } from './ports.ts';
import { commandLine, READY_TIMEOUT_MS } from './processes.ts';
import { allAlive, loadState, saveState, type RecordPid } from './state.ts';
import { chownTo, dovecotUsers, isRoot, numericId } from './system-users.ts';
import { normalizeMailboxes } from './validation.ts';

function writeUsersFile(dir: string, mailboxes: readonly string[], password: string): Promise<void> {
  // a new inode and size (the file is replaced): Dovecot's passwd-file notices the change on the next lookup
  return replaceFile(paths(dir).users, mailboxes.map((m) => `${m}:{PLAIN}${password}::::::\n`).join(''), 0o600, async (tmp) => {
    if (isRoot) {
      // read by Dovecot's auth process, which runs as the `dovecot` user
      await chown(tmp, 0, await numericId('-g', 'dovecot'));
      await chmod(tmp, 0o640);
    }
  });
}

interface DovecotPorts {
  imapPort: number;
  lmtpPort: number;
}

export async function startDovecot(dir: string, name: string, mailboxes: readonly string[], password: string, record: RecordPid): Promise<DovecotPorts> {
  const binary = findExecutable('dovecot');
  if (binary === undefined) throw new ServiceError('dovecot', 'the dovecot binary is missing (apt-get install -y dovecot-imapd dovecot-lmtpd)');
  const p = paths(dir);
  const users = await dovecotUsers();
  await mkdir(p.mail, { mode: 0o755 });
  await mkdir(p.dovecotState, { mode: 0o755 });
  if (isRoot) await chownTo(users.mailUser, [p.mail]); // mail must not be root's
  await writeUsersFile(dir, mailboxes, password);

  return onFreePorts(async () => {
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
    const why = exited ?? `did not answer on IMAP port ${String(imapPort)} and LMTP port ${String(lmtpPort)} within ${String(READY_TIMEOUT_MS / 1000)} s`;
    const message = `\`${commandLine(binary, ['-F', '-c', p.dovecotConf])}\` ${why}${block('dovecot.log', log)}`;
    // Only a Dovecot that exited can have lost a port; one that still runs but does not answer is not retried.
    throw exited === undefined ? new ServiceError('dovecot', message) : startFailure('dovecot', message, log);
  });
}

export async function addMailboxesTo(name: string, emails: readonly string[]): Promise<void> {
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
