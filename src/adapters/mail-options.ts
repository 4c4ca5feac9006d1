/** The IMAP and SMTP connection options, read from the configuration in one place for every caller. */
import type { Config } from './config.ts';
import type { ImapOptions } from './imap.ts';
import type { MailerOptions } from './mailer.ts';

export const imapOptions = (c: Config): ImapOptions => ({
  host: c.IMAP_HOST, port: c.IMAP_PORT, secure: c.IMAP_SECURE,
  user: c.IMAP_USER, password: c.IMAP_PASSWORD, mailbox: c.IMAP_MAILBOX, tlsInsecure: c.IMAP_TLS_INSECURE,
});

export const smtpOptions = (c: Config): MailerOptions => ({
  host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE, lmtp: c.SMTP_LMTP, user: c.SMTP_USER, password: c.SMTP_PASSWORD,
});
