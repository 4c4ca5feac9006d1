/**
 * The settings that say how tasaeed signs in to the Core mailbox (IMAP) and the mail server (SMTP): password or
 * OAuth2 (Microsoft 365, Google Workspace, any token endpoint) and which certificates to trust.
 * `config.ts` spreads `mailAuthSettings` into its schema and runs `checkMailAuth` over the result.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const file = z.string().min(1);

export const mailAuthSettings = {
  IMAP_AUTH: z.enum(['password', 'oauth2']).default('password'),
  /** Default: `password` when SMTP_USER is set, otherwise `none`. */
  SMTP_AUTH: z.enum(['password', 'oauth2', 'none']).optional(),
  OAUTH_PROVIDER: z.enum(['microsoft', 'google', 'generic']).optional(),
  OAUTH_TENANT_ID: z.string().min(1).optional(),
  OAUTH_CLIENT_ID: z.string().min(1).optional(),
  OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  /** Microsoft: a certificate (PEM) uploaded to the app registration, and its private key (PEM), instead of a secret. */
  OAUTH_CERT_FILE: file.optional(),
  OAUTH_KEY_FILE: file.optional(),
  /** Microsoft: the sign-in host (national clouds: https://login.microsoftonline.us, …). */
  OAUTH_AUTHORITY: z.url({ protocol: /^https$/ }).default('https://login.microsoftonline.com'),
  GOOGLE_SERVICE_ACCOUNT_FILE: file.optional(),
  OAUTH_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  OAUTH_SCOPE: z.string().optional(),
  OAUTH_REFRESH_TOKEN: z.string().min(1).optional(),
  IMAP_TLS_CA: file.optional(),
  /** Certificates are verified; `true` turns that off on purpose (a warning is logged at every start). */
  IMAP_TLS_INSECURE: bool.default(false),
  SMTP_TLS_CA: file.optional(),
  SMTP_TLS_INSECURE: bool.default(false),
  /** SMTP without TLS (no STARTTLS offered) is refused unless this is set; LMTP is exempt. */
  SMTP_ALLOW_PLAINTEXT: bool.default(false),
};

interface MailAuthInput {
  IMAP_AUTH: 'password' | 'oauth2';
  IMAP_PASSWORD?: string | undefined;
  SMTP_AUTH?: 'password' | 'oauth2' | 'none' | undefined;
  SMTP_USER?: string | undefined;
  SMTP_PASSWORD?: string | undefined;
  SMTP_LMTP: boolean;
  OAUTH_PROVIDER?: 'microsoft' | 'google' | 'generic' | undefined;
  OAUTH_TENANT_ID?: string | undefined;
  OAUTH_CLIENT_ID?: string | undefined;
  OAUTH_CLIENT_SECRET?: string | undefined;
  OAUTH_CERT_FILE?: string | undefined;
  OAUTH_KEY_FILE?: string | undefined;
  GOOGLE_SERVICE_ACCOUNT_FILE?: string | undefined;
  OAUTH_TOKEN_URL?: string | undefined;
  OAUTH_REFRESH_TOKEN?: string | undefined;
  IMAP_TLS_CA?: string | undefined;
  SMTP_TLS_CA?: string | undefined;
}

type Issue = (setting: string, message: string) => void;

function requireOAuth(c: MailAuthInput, issue: Issue): void {
  const need = (setting: keyof MailAuthInput, why: string): void => {
    if (c[setting] === undefined) issue(setting, `is required ${why}`);
  };
  switch (c.OAUTH_PROVIDER) {
    case undefined:
      issue('OAUTH_PROVIDER', 'is required with IMAP_AUTH=oauth2 or SMTP_AUTH=oauth2 (microsoft | google | generic)');
      return;
    case 'microsoft':
      need('OAUTH_TENANT_ID', 'with OAUTH_PROVIDER=microsoft (the Directory (tenant) ID of the app registration)');
      need('OAUTH_CLIENT_ID', 'with OAUTH_PROVIDER=microsoft (the Application (client) ID)');
      if (c.OAUTH_CLIENT_SECRET === undefined && c.OAUTH_CERT_FILE === undefined) {
        issue('OAUTH_CLIENT_SECRET', 'or OAUTH_CERT_FILE + OAUTH_KEY_FILE is required with OAUTH_PROVIDER=microsoft');
      }
      if ((c.OAUTH_CERT_FILE === undefined) !== (c.OAUTH_KEY_FILE === undefined)) {
        issue(c.OAUTH_CERT_FILE === undefined ? 'OAUTH_CERT_FILE' : 'OAUTH_KEY_FILE', 'OAUTH_CERT_FILE and OAUTH_KEY_FILE go together');
      }
      return;
    case 'google':
      need('GOOGLE_SERVICE_ACCOUNT_FILE', 'with OAUTH_PROVIDER=google (the service account\'s JSON key)');
      return;
    case 'generic':
      need('OAUTH_TOKEN_URL', 'with OAUTH_PROVIDER=generic');
      need('OAUTH_CLIENT_ID', 'with OAUTH_PROVIDER=generic');
      if (c.OAUTH_CLIENT_SECRET === undefined && c.OAUTH_REFRESH_TOKEN === undefined) {
        issue('OAUTH_CLIENT_SECRET', 'or OAUTH_REFRESH_TOKEN is required with OAUTH_PROVIDER=generic');
      }
  }
}

/** Cross-field rules; each problem names the setting to change. */
export function checkMailAuth(c: MailAuthInput, ctx: z.RefinementCtx): void {
  const issue: Issue = (setting, message) => { ctx.addIssue({ code: 'custom', path: [setting], message }); };
  if (c.IMAP_AUTH === 'password' && (c.IMAP_PASSWORD ?? '') === '') issue('IMAP_PASSWORD', 'is required with IMAP_AUTH=password');
  const smtp = smtpAuthOf(c);
  if (smtp === 'password' && (c.SMTP_USER === undefined || c.SMTP_PASSWORD === undefined)) {
    issue(c.SMTP_USER === undefined ? 'SMTP_USER' : 'SMTP_PASSWORD', 'is required with SMTP_AUTH=password');
  }
  if (c.IMAP_AUTH === 'oauth2' || smtp === 'oauth2') requireOAuth(c, issue);
  for (const setting of ['IMAP_TLS_CA', 'SMTP_TLS_CA', 'OAUTH_CERT_FILE', 'OAUTH_KEY_FILE', 'GOOGLE_SERVICE_ACCOUNT_FILE'] as const) {
    const path = c[setting];
    if (path !== undefined && !existsSync(path)) issue(setting, `${path} does not exist`);
  }
}

/** The SMTP sign-in actually used: the setting, or password when a user is set, otherwise none. */
export function smtpAuthOf(c: { SMTP_AUTH?: 'password' | 'oauth2' | 'none' | undefined; SMTP_USER?: string | undefined; SMTP_LMTP: boolean }): 'password' | 'oauth2' | 'none' {
  return c.SMTP_AUTH ?? (c.SMTP_USER === undefined || c.SMTP_LMTP ? 'none' : 'password');
}
