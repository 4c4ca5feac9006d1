/**
 * Decides what an inbound email is. Pure and table-driven: each rule is a named test with a reason,
 * checked in order, so `tasaeed classify` can say why.
 */
import type { InboundMail } from './mail.ts';
import { findReplyToken, isCoreAddress } from './reply-token.ts';
import { parseTicketRef } from './ticket-ref.ts';

export type MailKind = 'new' | 'reply' | 'auto_reply' | 'bounce' | 'loop' | 'quarantine';

export interface Classification {
  kind: MailKind;
  reason: string;
  /** The ticket a reply, auto-reply or bounce belongs to, when known. */
  ticketId?: number;
  /** How the ticket was found. */
  via?: 'reply_token' | 'references' | 'subject_tag';
}

export interface ClassifyContext {
  coreMailbox: string;
  /** The header we put on every email we send. */
  loopHeader: string;
  /** Ticket of a Message-ID in In-Reply-To/References that we stored (looked up before classifying). */
  threadTicketId?: number | undefined;
}

const OUT_OF_OFFICE = [
  /^(auto(matic)?[ -]?reply|out of (the )?office|away from (the )?office|autosvar|abwesenheit)/i,
  /^(رد تلقائي|الرد التلقائي|خارج المكتب|رسالة تلقائية)/,
];

type Rule = (m: InboundMail, ctx: ClassifyContext) => Omit<Classification, 'ticketId' | 'via'> | undefined;

const header = (m: InboundMail, name: string): string | undefined => m.headers.get(name)?.trim().toLowerCase();

const RULES: readonly Rule[] = [
  (m) => (m.from === null || m.from.email === '' ? { kind: 'quarantine', reason: 'no sender address (From)' } : undefined),
  (m, ctx) => (header(m, ctx.loopHeader) !== undefined
    ? { kind: 'loop', reason: `carries our own ${ctx.loopHeader} header` } : undefined),
  (m, ctx) => (isCoreAddress(ctx.coreMailbox, m.from?.email ?? '')
    ? { kind: 'loop', reason: 'sent from the Core mailbox itself' } : undefined),
  (m) => (m.contentType.startsWith('multipart/report') && m.contentType.includes('delivery-status')
    ? { kind: 'bounce', reason: 'delivery status notification (multipart/report)' } : undefined),
  (m) => (/^(mailer-daemon|postmaster)@/i.test(m.from?.email ?? '')
    ? { kind: 'bounce', reason: `sent by ${m.from?.email ?? ''}` } : undefined),
  (m) => {
    const v = header(m, 'auto-submitted');
    return v !== undefined && v !== 'no' ? { kind: 'auto_reply', reason: `Auto-Submitted: ${v}` } : undefined;
  },
  (m) => {
    const name = ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress'].find((h) => header(m, h) !== undefined);
    return name === undefined ? undefined : { kind: 'auto_reply', reason: `${name} header` };
  },
  (m) => {
    const v = header(m, 'precedence');
    return v === 'bulk' || v === 'junk' || v === 'list' ? { kind: 'auto_reply', reason: `Precedence: ${v}` } : undefined;
  },
  (m) => (OUT_OF_OFFICE.some((re) => re.test(m.subject.trim()))
    ? { kind: 'auto_reply', reason: 'out-of-office subject' } : undefined),
];

/** Which ticket a message answers: signed token, then our Message-IDs, then the subject tag. */
function threadOf(m: InboundMail, ctx: ClassifyContext): Pick<Classification, 'ticketId' | 'via'> | undefined {
  const token = findReplyToken(ctx.coreMailbox, m.recipients);
  if (token !== undefined) return { ticketId: token.ticketId, via: 'reply_token' };
  if (ctx.threadTicketId !== undefined) return { ticketId: ctx.threadTicketId, via: 'references' };
  const tagged = parseTicketRef(m.subject);
  return tagged === undefined ? undefined : { ticketId: tagged, via: 'subject_tag' };
}

export function classify(m: InboundMail, ctx: ClassifyContext): Classification {
  const thread = threadOf(m, ctx);
  for (const rule of RULES) {
    const hit = rule(m, ctx);
    if (hit !== undefined) return { ...hit, ...thread };
  }
  if (thread !== undefined) return { kind: 'reply', reason: `reply matched by ${thread.via ?? ''}`, ...thread };
  if (m.subject.trim() === '' && m.text.trim() === '') {
    return { kind: 'quarantine', reason: 'no subject and no text: nothing to escalate' };
  }
  return { kind: 'new', reason: 'a new escalation' };
}
