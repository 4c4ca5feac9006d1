/**
 * Decides what an inbound email is. Pure and table-driven: each rule is a named test with a reason,
 * checked in order, so `tasaeed classify` can say why.
 */
import { normalizeForMatch } from './arabic-text.ts';
import { autoReplyReason, bounceReason, listReason } from './auto-reply.ts';
import type { InboundMail, MailProblem } from './mail.ts';
import { findReplyTokens, isCoreAddress } from './reply-token.ts';
import { parseTicketRef } from './ticket-ref.ts';

export type MailKind = 'new' | 'reply' | 'auto_reply' | 'bounce' | 'loop' | 'list' | 'quarantine';

/** Why a message was quarantined, as a code the sender's notice can explain in their language. */
export type QuarantineCode = MailProblem['code'] | 'no_sender' | 'empty' | 'too_large' | 'unknown_ticket';

export interface Classification {
  kind: MailKind;
  reason: string;
  /** The ticket a reply, auto-reply or bounce belongs to, when known. */
  ticketId?: number;
  /** How the ticket was found. */
  via?: 'reply_token' | 'references' | 'subject_tag';
  /** For quarantine: what is wrong. */
  code?: QuarantineCode;
  /** A new message that forwards someone else's email (Fwd:, إعادة توجيه:). */
  forwarded?: boolean;
}

export interface ClassifyContext {
  coreMailbox: string;
  /** Other addresses of the Core mailbox (policy core.aliases). */
  coreAliases?: readonly string[] | undefined;
  /** The header we put on every email we send. */
  loopHeader: string;
  /** Ticket of a Message-ID in In-Reply-To/References that we stored (looked up before classifying). */
  threadTicketId?: number | undefined;
  /** Messages from this sender within the rate-limit window before this one that did not reply into a ticket. */
  recentFromSender?: number | undefined;
  rateLimit?: { max: number; perMs: number } | undefined;
}

type Hit = Omit<Classification, 'ticketId' | 'via'>;
type Thread = Pick<Classification, 'ticketId' | 'via'>;
type Rule = (m: InboundMail, ctx: ClassifyContext, thread: Thread | undefined) => Hit | undefined;

/**
 * A plain addr-spec: anything else (quotes, spaces, line breaks) must never reach an outgoing header. The domain
 * may be a single label (intranet names such as clerk@intranet).
 */
const SAFE_ADDRESS = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*$/i;
/** A mail system that signs its reports without a domain (From: MAILER-DAEMON (Mail Delivery System)). */
const MAIL_SYSTEM = /^(mailer-daemon|mail-daemon|mailerdaemon|postmaster)$/i;

const FORWARD_PREFIX = /^\s*(?:\[[^\]]{0,60}\]\s*)?(fwd?|fw|tr|wg|rv|اعاده توجيه|اعاده ارسال|تحويل|محول)\s*[:：]/iu;

export function isForwardSubject(subject: string): boolean {
  return FORWARD_PREFIX.test(normalizeForMatch(subject));
}

/** The subject without the Fwd:/FW:/إعادة توجيه: prefixes, for the ticket's title. */
export function withoutForwardPrefix(subject: string): string {
  let s = subject.trim();
  for (let i = 0; i < 5; i += 1) {
    const m = /^(fwd?|fw|tr|wg|rv|إعادة توجيه|اعادة توجيه|إعادة إرسال|تحويل|محول)\s*[:：]\s*/iu.exec(s);
    if (m === null) break;
    s = s.slice(m[0].length);
  }
  return s === '' ? subject.trim() : s;
}

/** The Core mailbox with its aliases. */
const coreOf = (ctx: ClassifyContext): readonly string[] => [ctx.coreMailbox, ...(ctx.coreAliases ?? [])];

const quarantine = (code: QuarantineCode, reason: string): Hit => ({ kind: 'quarantine', code, reason });

const RULES: readonly Rule[] = [
  (m) => (m.from === null || m.from.email === '' ? quarantine('no_sender', 'no sender address (From)') : undefined),
  (m) => (m.from !== null && !SAFE_ADDRESS.test(m.from.email) && !MAIL_SYSTEM.test(m.from.email)
    ? quarantine('bad_sender', 'the sender address (From) is not a plain email address') : undefined),
  (m, ctx) => (m.headers.has(ctx.loopHeader) ? { kind: 'loop', reason: `carries our own ${ctx.loopHeader} header` } : undefined),
  (m, ctx) => (isCoreAddress(coreOf(ctx), m.from?.email ?? '')
    ? { kind: 'loop', reason: 'sent from the Core mailbox itself' } : undefined),
  (m, ctx, thread) => {
    const limit = ctx.rateLimit;
    const recent = ctx.recentFromSender ?? 0;
    if (thread !== undefined || limit === undefined || recent < limit.max) return undefined;
    const minutes = Math.round(limit.perMs / 60_000);
    return { kind: 'loop', reason: `rate limit: ${recent} earlier messages from ${m.from?.email ?? ''} within ${minutes} min (limit ${limit.max}); recorded, not answered` };
  },
  (m) => {
    const p = m.problems?.[0];
    return p === undefined ? undefined : quarantine(p.code, p.detail);
  },
  (m) => { const r = bounceReason(m); return r === undefined ? undefined : { kind: 'bounce', reason: r }; },
  // Before the auto-reply rules: list mail carries Precedence: list/bulk too, but it is list traffic.
  (m) => { const r = listReason(m); return r === undefined ? undefined : { kind: 'list', reason: r }; },
  (m) => { const r = autoReplyReason(m); return r === undefined ? undefined : { kind: 'auto_reply', reason: r }; },
];

/** Which ticket a message answers: signed token, then our Message-IDs, then the subject tag. */
function threadOf(m: InboundMail, ctx: ClassifyContext): Thread | undefined {
  const token = findReplyTokens(coreOf(ctx), m)[0];
  if (token !== undefined) return { ticketId: token.ticketId, via: 'reply_token' };
  if (ctx.threadTicketId !== undefined) return { ticketId: ctx.threadTicketId, via: 'references' };
  const tagged = parseTicketRef(m.subject);
  return tagged === undefined ? undefined : { ticketId: tagged, via: 'subject_tag' };
}

export function classify(m: InboundMail, ctx: ClassifyContext): Classification {
  const thread = threadOf(m, ctx);
  for (const rule of RULES) {
    const hit = rule(m, ctx, thread);
    if (hit !== undefined) return { ...hit, ...thread };
  }
  if (thread !== undefined) return { kind: 'reply', reason: `reply matched by ${thread.via ?? ''}`, ...thread };
  if (m.subject.trim() === '' && m.text.trim() === '' && m.attachments.length === 0) {
    return quarantine('empty', 'no subject and no text: nothing to escalate');
  }
  return isForwardSubject(m.subject)
    ? { kind: 'new', reason: 'a new escalation (forwarded message)', forwarded: true }
    : { kind: 'new', reason: 'a new escalation' };
}
