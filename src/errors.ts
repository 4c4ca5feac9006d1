/**
 * The one catalogue of tasaeed's errors: a stable code, whether waiting helps (transient) and a hint a person can
 * act on. Every layer may import it (it imports nothing). Errors from libraries (pg, ioredis, nodemailer, imapflow,
 * Node's sockets) are sorted into transient and permanent by `isTransient`, so retry decisions live in one place.
 */

interface Entry { transient: boolean; hint: string }

export const CATALOGUE = {
  CONFIG_INVALID: { transient: false, hint: 'fix the settings named above (each is described in .env.example)' },
  POLICY_INVALID: { transient: false, hint: 'fix the fields named above; `tasaeed policy check <file>` checks a policy without services' },
  POSTGRES_UNAVAILABLE: { transient: true, hint: 'check DATABASE_URL and that PostgreSQL is running and accepts connections' },
  REDIS_UNAVAILABLE: { transient: true, hint: 'check REDIS_URL and that Redis is running' },
  IMAP_UNAVAILABLE: { transient: true, hint: 'check IMAP_HOST, IMAP_PORT and IMAP_SECURE, and that the IMAP server is running' },
  IMAP_LOGIN_REFUSED: { transient: false, hint: 'check IMAP_USER and IMAP_PASSWORD (or the OAuth2 settings) for the Core mailbox' },
  IMAP_MAILBOX_MISSING: { transient: false, hint: 'check IMAP_MAILBOX: the folder must exist in the Core mailbox' },
  SMTP_UNAVAILABLE: { transient: true, hint: 'check SMTP_HOST, SMTP_PORT and SMTP_SECURE, and that the mail server is running' },
  SMTP_LOGIN_REFUSED: { transient: false, hint: 'check SMTP_USER and SMTP_PASSWORD (or the OAuth2 settings)' },
  SMTP_TEMPORARY: { transient: true, hint: 'the mail server asked to try later (4xx); tasaeed keeps retrying' },
  SMTP_REJECTED: { transient: false, hint: 'the mail server refused this email for good (5xx); check the recipient address' },
  TEMPLATE_MISSING: { transient: false, hint: 'a template file is missing under templates/; reinstall or restore it' },
  TEMPLATE_FAILED: { transient: false, hint: 'the template could not render this email; see the cause' },
  MESSAGE_TOO_LARGE: { transient: false, hint: 'raise MAX_MESSAGE_BYTES and run `tasaeed quarantine retry <id>` to take it in' },
  TICKET_NOT_FOUND: { transient: false, hint: 'list tickets with `tasaeed tickets list`' },
  NOT_FOUND: { transient: false, hint: 'check the id or reference' },
  BAD_ARGUMENT: { transient: false, hint: 'see `tasaeed --help` for the command' },
  STARTUP_TIMEOUT: { transient: false, hint: 'a service did not answer within STARTUP_TIMEOUT; check that it is reachable from this host' },
  STARTUP_FAILED: { transient: false, hint: 'fix each setting named above, then start again; nothing was changed' },
  OUTBOX_NOT_RETRYABLE: { transient: false, hint: 'only failed or bounced emails can be retried; see `tasaeed outbox list`' },
  INTERNAL: { transient: false, hint: 'this is a defect in tasaeed; the stack trace in the log shows where' },
  REPORT_PERIOD_NOT_OVER: { transient: false, hint: 'preview a running period with `tasaeed report <kind> --out <dir>`; send it once the period is over' },
  QUARANTINE_NOT_FOUND: { transient: false, hint: 'list the quarantined messages with `tasaeed quarantine list`' },
  MESSAGE_NOT_IN_MAILBOX: { transient: false, hint: 'only the header section was kept; ask the sender to send the message again, smaller or as a link' },
  OAUTH_TOKEN_REFUSED: { transient: false, hint: 'the authorization server refused to issue a token (consent revoked, secret or certificate expired, wrong client or tenant): fix the OAUTH_* setting named above in the provider\'s console and restart' },
  OAUTH_UNAVAILABLE: { transient: true, hint: 'the OAuth2 token endpoint did not answer; check OAUTH_TOKEN_URL (or OAUTH_AUTHORITY) and the network; tasaeed keeps retrying' },
  SMTP_STARTTLS_MISSING: { transient: false, hint: 'the SMTP server offers no STARTTLS, and tasaeed never signs in or sends in the clear: use SMTP_SECURE=true (port 465), or set SMTP_ALLOW_PLAINTEXT=true on purpose for a relay on a trusted network' },
  MAIL_ROUND_TRIP_FAILED: { transient: false, hint: 'the test message did not reach the Core mailbox: with REPLY_ADDRESS=plus the mail system must deliver core+anything@ to core@ (or set REPLY_ADDRESS=plain); otherwise check the mailbox rules and IMAP_MAILBOX' },
  DNS_RECORDS_MISSING: { transient: false, hint: 'publish a DMARC record (_dmarc.<domain> TXT "v=DMARC1; p=…") and an SPF record ("v=spf1 …") for the Core domain, or set INBOUND_AUTH=off' },
  TLS_CERTIFICATE_UNTRUSTED: { transient: false, hint: 'the server\'s certificate is not signed by a trusted CA or does not name the host: set IMAP_TLS_CA / SMTP_TLS_CA to the private CA file (or *_TLS_INSECURE=true, on purpose)' },
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof CATALOGUE;

export class TasaeedError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly transient: boolean;
  /** The setting a person should look at, when there is one (e.g. `DATABASE_URL`). */
  readonly setting: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; setting?: string; hint?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TasaeedError';
    this.code = code;
    this.hint = opts.hint ?? CATALOGUE[code].hint;
    this.transient = CATALOGUE[code].transient;
    this.setting = opts.setting;
  }
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message === '' ? err.name : err.message;
  return String(err);
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ESOCKETTIMEDOUT', 'ECONNECTION', 'ESOCKET', 'EDNS', 'ETIMEOUT',
  'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED', 'NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText',
  'ClosedAfterConnectTLS', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETHROTTLE', 'LockTimeout',
]);
/** PostgreSQL SQLSTATEs that say "try again": connection exceptions, shutdowns, too many connections, lock conflicts. */
const PG_TRANSIENT = /^(08...|57P0[1-5]|53300|53400|40001|40P01|55P03|58000|58030)$/;
const TRANSIENT_TEXT = /Timeout acquiring a connection|Connection terminated|connection is closed|Connection is closed|terminating connection|the database system is (starting up|shutting down|in recovery mode)|socket hang up|Client network socket disconnected|read ECONNRESET|MaxRetriesPerRequest|Stream isn't writeable|Reached the max retries per request|Unexpected close|Socket closed unexpectedly|Connection closed|Greeting never received|Failed to establish connection/;

/**
 * True when the same operation may succeed later without anyone changing anything: a server down or restarting,
 * a reset connection, a pool or DNS time-out, an SMTP 4xx. A permanent error (bad input, an SMTP 5xx, a missing
 * template, a refused login) is false. Unknown errors count as permanent, so nothing retries a defect for ever.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof TasaeedError) return err.transient;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || PG_TRANSIENT.test(e.code))) return true;
  if (typeof e.message === 'string' && TRANSIENT_TEXT.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isTransient)) return true; // AggregateError from a dual-stack connect
  return e.cause !== undefined && e.cause !== err && isTransient(e.cause);
}

/** The code of a library or system error, for messages (`ECONNREFUSED`, `57P01`, `AUTHENTICATIONFAILED`). */
export function causeCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; serverResponseCode?: unknown; responseCode?: unknown; errors?: unknown[] };
  if (typeof e.serverResponseCode === 'string') return e.serverResponseCode;
  if (typeof e.code === 'string' && e.code !== '') {
    // nodemailer wraps socket errors as ESOCKET/ECONNECTION; the system code in the message says more.
    const inner = ['ESOCKET', 'ECONNECTION', 'EDNS'].includes(e.code) ? /\b(E[A-Z]{4,}|EAI_AGAIN)\b/.exec(messageOf(err))?.[1] : undefined;
    return inner ?? e.code;
  }
  if (typeof e.responseCode === 'number') return String(e.responseCode);
  if (Array.isArray(e.errors)) return e.errors.map(causeCode).find((c) => c !== undefined);
  return undefined;
}

/** What the CLI prints for an error: the message, then `code: hint` when it is one of ours. */
export function describeError(err: unknown): string {
  if (err instanceof TasaeedError) return `${err.message}\n  [${err.code}] ${err.hint}`;
  return messageOf(err);
}
