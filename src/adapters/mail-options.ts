/**
 * The IMAP and SMTP connection options, read from the configuration in one place for every caller: TLS and sign-in
 * (password or OAuth2 through the shared token cache) come from mail-connection.ts.
 */
import type { Config } from './config.ts';
import type { ImapOptions } from './imap.ts';
import { imapConnector, smtpTransportOptions } from './mail-connection.ts';
import type { MailerOptions, MailerPool } from './mailer.ts';
import type { TokenCache } from './oauth/token-cache.ts';

export const imapOptions = (c: Config, tokens: TokenCache | undefined): ImapOptions => ({
  connection: imapConnector(c, tokens), mailbox: c.IMAP_MAILBOX,
});

export const smtpOptions = (c: Config, tokens: TokenCache | undefined): MailerOptions => smtpTransportOptions(c, tokens);

export const smtpPool = (c: Config): MailerPool => ({ maxConnections: c.SMTP_MAX_CONNECTIONS, maxMessages: c.SMTP_MAX_MESSAGES });
