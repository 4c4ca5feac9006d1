/**
 * A bounce: find which of our emails failed (Message-ID in the report → outbox row → ticket), mark that email
 * bounced, record a `bounce` event on the ticket and alert the Core group, so a head who never got the copy of
 * an escalation does not silently run out the clock. Never answered; deadlines are untouched.
 */
import { markBounced, outboundByMessageIds } from '../adapters/outbox-store.ts';
import { addEvent, addThreadIds, loadTicket, type Tx } from '../adapters/ticket-store.ts';
import { pendingEscalation } from '../adapters/timer-store.ts';
import type { Classification } from '../domain/classify.ts';
import { NO_TICKET } from '../domain/directory.ts';
import type { Locale } from '../domain/dates.ts';
import { readBounce } from '../domain/dsn.ts';
import type { InboundMail } from '../domain/mail.ts';
import type { Ticket } from '../domain/ticket.ts';
import { snippet } from '../domain/mail-sanity.ts';
import type { AppDeps } from './deps.ts';
import { noEffects, type Effects } from './effects.ts';
import { notify } from './notify.ts';

/** What the failed email was, as the Core group reads it. */
const WHAT: Readonly<Record<string, Record<Locale, string>>> = {
  'ticket-copy': { ar: 'نسخة التذكرة المرسلة إلى رئيس الإدارة', en: 'the copy of the ticket sent to the head of department' },
  ack: { ar: 'إشعار استلام الطلب', en: 'the acknowledgement of the request' },
  escalation: { ar: 'إشعار التصعيد', en: 'the escalation notice' },
  resolved: { ar: 'إشعار حل التذكرة', en: 'the resolution notice' },
  triage: { ar: 'طلب توجيه التذكرة', en: 'the routing request' },
  'command-refused': { ar: 'رد رفض الأمر', en: 'the command refusal' },
};

/** Emails whose bounce must not raise another alert (it would go to the same people and could loop). */
export const NO_ALERT = new Set(['bounce-alert', 'quarantine-notice']);

export interface BounceOutcome {
  reason: string;
  ticketId: number | null;
  effects: Effects;
}

export async function recordBounce(tx: Tx, deps: AppDeps, mail: InboundMail, inboundId: number, c: Classification): Promise<BounceOutcome> {
  const now = deps.clock.now();
  const report = readBounce(mail);
  const row = await outboundByMessageIds(tx, report.messageIds);
  const failed = report.recipients.find((r) => r.action === 'failed') ?? report.recipients[0];
  const delayed = failed?.action === 'delayed';
  const recipient = failed?.address ?? row?.to_email ?? '';
  const status = failed?.status ?? '';
  const diagnostic = snippet(failed?.diagnostic ?? '', 300);
  if (row !== undefined && !delayed) await markBounced(tx, row.id, now, `${recipient} ${status} ${diagnostic}`.trim());
  const ticketId = row?.ticket_id ?? report.ticketIds[0] ?? c.ticketId ?? null;
  const ticket = ticketId === null ? undefined : await loadTicket(tx, ticketId, true);
  const which = row === undefined ? 'not one of our emails' : `our email #${row.id} (${row.template}) to ${row.to_email}`;
  if (ticket === undefined) return { reason: `${c.reason}: ${which}; recorded, not answered`, ticketId: null, effects: noEffects() };

  await addThreadIds(tx, ticket.id, [mail.messageId]);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'bounce', actor: mail.from?.email ?? null, inboundId, at: now,
    data: { reason: c.reason, recipient, status, diagnostic, delayed, outboxId: row?.id ?? null, template: row?.template ?? null },
  });
  const base = `${c.reason}: ${which}${delayed ? ' (delayed, not failed)' : ''}; recorded on ${ticket.ref}, not answered`;
  // Alert only when the report names one of our emails; a subject tag alone may be someone else's mail.
  const ours = row !== undefined || report.ticketIds.includes(ticket.id);
  if (delayed || !ours || (row !== undefined && NO_ALERT.has(row.template))) return { reason: base, ticketId: ticket.id, effects: noEffects() };

  const outboxIds = await alertCore(tx, deps, { ticket, eventId, recipient, template: row?.template ?? null, status, diagnostic });
  return { reason: `${base}; Core group alerted`, ticketId: ticket.id, effects: { outboxIds, timers: [] } };
}

/** Tells the Core group that one of our emails about a ticket never reached its recipient (a bounce or a refusal). */
export async function alertCore(tx: Tx, deps: AppDeps, o: {
  ticket: Ticket; eventId: number; recipient: string; template: string | null; status: string; diagnostic: string;
}): Promise<number[]> {
  const recipients = deps.directory.audiences(['core'], NO_TICKET).filter((r) => r.email !== o.recipient);
  const due = await pendingEscalation(tx, o.ticket.id);
  return await notify(tx, deps, {
    ticket: o.ticket, eventId: o.eventId, template: 'bounce-alert', dueAt: due?.due_at ?? null, recipients,
    extra: (locale) => ({
      failedRecipient: o.recipient,
      failedName: o.recipient === '' ? '' : deps.directory.recipient(o.recipient).name,
      what: o.template === null ? null : WHAT[o.template]?.[locale] ?? o.template,
      status: o.status, diagnostic: o.diagnostic === '' ? null : o.diagnostic,
    }),
  });
}
