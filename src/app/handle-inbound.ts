/**
 * What one parsed inbound message does, inside the caller's transaction: classify it with what the database knows
 * (our Message-IDs, the sender's recent messages), then open a ticket, apply a reply, reopen or link a resolved
 * ticket, record an auto-reply/bounce/list message, ignore a loop, or quarantine it (telling a known sender).
 */
import { storeAttachments } from '../adapters/attachment-store.ts';
import { countRecentFrom, type InboundRow } from '../adapters/inbound-store.ts';
import { addEvent, addThreadIds, loadTicket, ticketOfThread, type Tx } from '../adapters/ticket-store.ts';
import { arrivalTime } from '../domain/arrival-time.ts';
import { withoutForwardPrefix, type Classification, type MailKind, type QuarantineCode } from '../domain/classify.ts';
import { parseCommand } from '../domain/commands.ts';
import type { InboundMail } from '../domain/mail.ts';
import { stripQuoted } from '../domain/quote-strip.ts';
import { applyReply } from './apply-command.ts';
import { classifyParsed } from './classify-file.ts';
import type { AppDeps } from './deps.ts';
import { noEffects, type Effects } from './effects.ts';
import { followUpResolved } from './follow-up.ts';
import { DEFAULT_INBOUND } from './inbound-deps.ts';
import { openTicket } from './open-ticket.ts';
import { noticeQuarantine } from './quarantine.ts';
import { recordBounce } from './record-bounce.ts';
import { applyReportReply } from './report-reply.ts';

export interface Handled {
  outcome: {
    status: 'processed' | 'quarantined' | 'duplicate';
    kind: MailKind | 'duplicate' | 'report_reply';
    reason: string;
    ticketId: number | null;
  };
  effects: Effects;
  fromEmail?: string | null;
  arrivedAt?: Date;
}

/** Who sent a message (a known person's alias counts as themselves) and when it arrived. */
export function senderOf(deps: AppDeps, row: Pick<InboundRow, 'received_at'>, mail: InboundMail): { sender: string | null; arrivedAt: Date } {
  return {
    arrivedAt: arrivalTime(mail.headers.get('received'), row.received_at),
    sender: mail.from === null ? null : deps.directory.canonical(mail.from.email),
  };
}

/** What a batch knows of its messages' senders (ingest-batch.ts): counted for the whole batch at once. */
export interface EarlierInBatch {
  /** What countRecentFrom would say if the batch's earlier messages were already recorded as done. */
  recentFrom(o: { id: number; email: string; arrivedAt: Date; windowMs: number }): Promise<number> | number;
}

async function classifyStored(tx: Tx, deps: AppDeps, row: InboundRow, mail: InboundMail, sender: string | null, arrivedAt: Date,
  earlier: EarlierInBatch | undefined): Promise<Classification> {
  const referenced = [...mail.references, ...(mail.inReplyTo === null ? [] : [mail.inReplyTo])];
  const limit = deps.policy.inbound.rate_limit;
  const asked = { id: row.id, email: sender ?? '', arrivedAt, windowMs: limit.per };
  const recent = sender === null ? 0 : await (earlier === undefined ? countRecentFrom(tx, asked) : earlier.recentFrom(asked));
  return classifyParsed(mail, {
    coreMailbox: deps.policy.core.mailbox,
    context: {
      coreAliases: deps.policy.core.aliases,
      threadTicketId: await ticketOfThread(tx, referenced),
      recentFromSender: recent,
      rateLimit: { max: limit.max, perMs: limit.per },
    },
  });
}

async function keepAttachments(tx: Tx, deps: AppDeps, inboundId: number, ticketId: number, mail: InboundMail): Promise<void> {
  const limits = deps.inbound ?? DEFAULT_INBOUND;
  await storeAttachments(tx, {
    inboundId, ticketId, attachments: mail.attachments,
    limits: { maxBytes: limits.maxAttachmentBytes, maxCount: limits.maxAttachments },
  });
}

/** Tells a known sender (once) and returns the quarantine outcome. */
export async function quarantined(tx: Tx, deps: AppDeps, o: {
  inboundId: number; code: QuarantineCode; reason: string; from: string | null; subject: string;
}): Promise<Handled> {
  const outboxIds = await noticeQuarantine(tx, deps, o);
  return {
    outcome: { status: 'quarantined', kind: 'quarantine', ticketId: null, reason: outboxIds.length > 0 ? `${o.reason} (sender told)` : o.reason },
    effects: { outboxIds, timers: [] }, fromEmail: o.from,
  };
}

export async function handleInbound(tx: Tx, deps: AppDeps, row: InboundRow, mail: InboundMail, earlier?: EarlierInBatch): Promise<Handled> {
  // A known person writing from one of their aliases acts as themselves.
  const { sender, arrivedAt } = senderOf(deps, row, mail);
  const m: InboundMail = mail.from === null || sender === null ? mail : { ...mail, from: { ...mail.from, email: sender } };
  const c = await classifyStored(tx, deps, row, mail, sender, arrivedAt, earlier);
  const done = (status: Handled['outcome']['status'], reason: string, ticketId: number | null, effects = noEffects(), kind: MailKind = c.kind): Handled =>
    ({ outcome: { status, kind, reason, ticketId }, effects, fromEmail: sender, arrivedAt });
  const quarantine = async (code: QuarantineCode, reason: string): Promise<Handled> =>
    ({ ...await quarantined(tx, deps, { inboundId: row.id, code, reason, from: sender, subject: mail.subject }), arrivedAt });
  if (c.kind === 'new' || c.kind === 'reply') {
    // A reply to a report email (its signed report address) is about the report, not a ticket.
    const onReport = await applyReportReply(tx, deps, m, row.id);
    if (onReport !== undefined) {
      return { outcome: { status: onReport.status, kind: 'report_reply', reason: onReport.reason, ticketId: null }, effects: onReport.effects, fromEmail: sender, arrivedAt };
    }
  }
  const ticket = c.ticketId === undefined ? undefined : await loadTicket(tx, c.ticketId, true);
  const openNew = async (reason: string, forwarded: boolean): Promise<Handled> => {
    const opened = await openTicket(tx, deps, forwarded ? { ...m, subject: withoutForwardPrefix(m.subject) } : m, row.id);
    await keepAttachments(tx, deps, row.id, opened.ticket.id, m);
    return done('processed', `${reason}: ${opened.ticket.ref}`, opened.ticket.id, opened.effects, 'new');
  };
  switch (c.kind) {
    case 'quarantine':
      return await quarantine(c.code ?? 'broken_mime', c.reason);
    case 'new':
      return await openNew(c.reason, c.forwarded === true);
    case 'reply': {
      if (ticket === undefined) {
        // A tag in a subject is only text; our own token or Message-ID pointing nowhere is worth a look.
        if (c.via === 'subject_tag') return await openNew(`a new escalation (subject names T-${c.ticketId ?? ''}, which does not exist)`, false);
        return await quarantine('unknown_ticket', `reply to a ticket that does not exist (${c.via ?? ''} #${c.ticketId ?? ''})`);
      }
      await keepAttachments(tx, deps, row.id, ticket.id, m);
      if (ticket.status === 'resolved' && parseCommand(stripQuoted(m.text)) === undefined) {
        const f = await followUpResolved(tx, deps, { ticket, mail: m, inboundId: row.id, via: c.via });
        return done('processed', f.reason, f.ticketId, f.effects);
      }
      const applied = await applyReply(tx, deps, ticket, m, row.id);
      return done('processed', applied.reason, ticket.id, applied.effects);
    }
    case 'auto_reply':
      if (ticket !== undefined) {
        await addThreadIds(tx, ticket.id, [mail.messageId]);
        await addEvent(tx, {
          ticketId: ticket.id, kind: 'auto_reply', actor: sender, inboundId: row.id, at: deps.clock.now(),
          data: { reason: c.reason, subject: mail.subject },
        });
      }
      return done('processed', `${c.reason} (recorded, not answered)`, ticket?.id ?? null);
    case 'bounce': {
      const b = await recordBounce(tx, deps, m, row.id, c);
      return done('processed', b.reason, b.ticketId, b.effects);
    }
    case 'list':
      return done('processed', `${c.reason} (recorded, not a ticket)`, null);
    case 'loop':
      return done('processed', `${c.reason} (ignored)`, ticket?.id ?? null);
  }
}
