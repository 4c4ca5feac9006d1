/**
 * A Dovecot of a test's own, beside the shared test services: IMAP with STARTTLS and IMAPS on a certificate from a
 * private CA, LMTP, password users in a passwd-file and — with an authorization server — OAuth2 sign-in (XOAUTH2,
 * OAUTHBEARER) checked by token introspection. Plus addressing can be turned off, as an Exchange tenant can.
 * It lives in a temporary directory and is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import type { ParsedMail } from 'mailparser';
import { readMailbox } from '../../../scripts/read-mailbox.ts';
import { greetingOf } from '../../../scripts/services/line-client.ts';
import { findExecutable } from '../../../scripts/services/packages.ts';
import { freePort } from '../../../scripts/services/ports.ts';
import { chownTo, dovecotUsers, isRoot } from '../../../scripts/services/system-users.ts';
import type { AuthServer } from './auth-server.ts';
import type { PrivateCa } from './private-ca.ts';

export interface PrivateDovecotOptions {
  ca: PrivateCa;
  /** Every address is a mailbox that signs in with this password (the test's stand-in for the mail system's delivery). */
  password: string;
  /** OAuth2 sign-in checked against this server's introspection endpoint. */
  auth?: AuthServer;
  /** core+x@ delivered to core@ (false: `recipient_delimiter` empty, core+x@ is unknown). */
  plusAddressing?: boolean;
}

export interface PrivateDovecot {
  imapPort: number;
  imapsPort: number;
  lmtpPort: number;
  logFile: string;
  /** APPENDs a message to a mailbox, as the mail system's delivery would. */
  append(user: string, raw: string | Buffer): Promise<void>;
  /** Every message in a mailbox's INBOX, parsed. */
  mailbox(user: string): Promise<ParsedMail[]>;
  /** Drops every IMAP session of a user (the server side of a lost connection). */
  kick(user: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateDovecot(o: PrivateDovecotOptions): Promise<PrivateDovecot> {
  const binary = findExecutable('dovecot');
  if (binary === undefined) throw new Error('dovecot is not installed (apt-get install -y dovecot-imapd dovecot-lmtpd)');
  const dir = mkdtempSync(join(tmpdir(), 'tasaeed-dovecot-'));
  chmodSync(dir, 0o755);
  const u = await dovecotUsers();
  const mail = join(dir, 'mail');
  mkdirSync(mail, { mode: 0o755 });
  if (isRoot) await chownTo(u.mailUser, [mail]);
  const [imapPort, imapsPort, lmtpPort] = [await freePort(), await freePort(), await freePort()];
  const logFile = join(dir, 'dovecot.log');
  const oauth = o.auth === undefined ? '' : `
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${join(dir, 'oauth2.conf.ext')}
}`;
  if (o.auth !== undefined) {
    const url = new URL(o.auth.introspectionUrl);
    url.username = o.auth.introspector.id;
    url.password = o.auth.introspector.secret;
    writeFileSync(join(dir, 'oauth2.conf.ext'), `introspection_mode = post
introspection_url = ${url.toString()}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
`, { mode: 0o644 });
  }
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, `base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${logFile}
instance_name = tasaeed-test-${String(imapPort)}
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <${o.ca.certFile}
ssl_key = <${o.ca.keyFile}
disable_plaintext_auth = no
auth_mechanisms = plain login${o.auth === undefined ? '' : ' xoauth2 oauthbearer'}
auth_username_format = %Lu
auth_verbose = yes
default_internal_user = ${u.internalUser}
default_internal_group = ${u.internalGroup}
default_login_user = ${u.loginUser}
first_valid_uid = 1
mail_uid = ${u.mailUser}
mail_gid = ${u.mailGroup}
mail_home = ${mail}/%u
mail_location = maildir:~/Maildir
mail_fsync = never
recipient_delimiter = ${o.plusAddressing === false ? '' : '+'}
lmtp_save_to_detail_mailbox = no
${oauth}
passdb {
  driver = static
  mechanisms = plain login
  args = password=${o.password}
}
userdb {
  driver = static
  args = allow_all_users=yes
}
namespace inbox {
  inbox = yes
  separator = /
}
protocol imap {
  mail_max_userip_connections = 100
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${String(imapPort)}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${String(imapsPort)}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${String(lmtpPort)}
  }
}
`, { mode: 0o644 });
  const fd = openSync(logFile, 'a', 0o644);
  let child: ChildProcess;
  try {
    child = spawn(binary, ['-F', '-c', conf], { cwd: dir, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exited = false;
  child.once('exit', () => { exited = true; });
  const stop = async (): Promise<void> => {
    if (!exited && child.pid !== undefined) {
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([gone, sleep(5_000)]);
      if (!exited) process.kill(child.pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 10_000; ;) {
    const [imap, lmtp] = await Promise.all([greetingOf(imapPort), greetingOf(lmtpPort)]);
    if (imap?.startsWith('* OK') === true && lmtp?.startsWith('220') === true) break;
    if (exited || Date.now() > deadline) {
      const log = readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`the private Dovecot did not start:\n${log}`);
    }
    await sleep(50);
  }
  const doveadm = findExecutable('doveadm') ?? 'doveadm';
  const tls = { ca: readFileSync(o.ca.caFile, 'utf8') };
  return {
    imapPort, imapsPort, lmtpPort, logFile, stop,
    async append(user, raw) {
      const c = new ImapFlow({ host: '127.0.0.1', port: imapsPort, secure: true, tls, auth: { user, pass: o.password }, logger: false });
      await c.connect();
      try { await c.append('INBOX', raw); } finally { await c.logout(); }
    },
    mailbox: (user) => readMailbox({ host: '127.0.0.1', port: imapPort, user, password: o.password, tls }),
    async kick(user) {
      await new Promise<void>((resolve, reject) => {
        const k = spawn(doveadm, ['-c', conf, 'kick', user], { stdio: 'ignore' });
        k.once('error', reject);
        k.once('exit', () => { resolve(); }); // exit 68: nobody to kick
      });
    },
  };
}
