/**
 * A reply (without a command) to a resolved ticket. Within the policy's reopen window the ticket is reopened and
 * its escalation clock starts over from the first level; after the window — or when the only link to the ticket
 * is a subject tag from someone the policy does not know — a new ticket is opened that links the old one.
 */
import { addEvent, addThreadIds, updateTicket, type Tx } from '../adapters/ticket-store.ts';
import { isAcknowledgement } from '../domain/acknowledgement.ts';
import { firstDeadline } from '../domain/escalation-ladder.ts';
import type { InboundMail } from '../domain/mail.ts';
import { stripQuoted } from '../domain/quote-strip.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import type { Effects } from './effects.ts';
import { notify } from './notify.ts';
import { openTicket } from './open-ticket.ts';
import { planCustomerUpdate, replanEscalation } from './ticket-timers.ts';

export interface FollowUpOutcome {
  reason: string;
  ticketId: number;
  effects: Effects;
}

export async function followUpResolved(tx: Tx, deps: AppDeps, o: {
  ticket: Ticket; mail: InboundMail; inboundId: number; via: string | undefined;
}): Promise<FollowUpOutcome> {
  const { ticket, mail, inboundId } = o;
  const now = deps.clock.now();
  const sender = mail.from?.email ?? '';
  const text = stripQuoted(mail.text);
  const resolvedAt = ticket.resolvedAt ?? ticket.updatedAt;
  const within = now.getTime() - resolvedAt.getTime() <= deps.policy.inbound.reopen_within;
  const known = deps.directory.person(sender) !== undefined || sender === ticket.originatorEmail;
  if (within && isAcknowledgement(text)) {
    await addThreadIds(tx, ticket.id, [mail.messageId]);
    await addEvent(tx, { ticketId: ticket.id, kind: 'reply', actor: sender, inboundId, at: now, data: { text } });
    return { reason: `a thank-you on resolved ${ticket.ref}: recorded, not reopened`, ticketId: ticket.id, effects: { outboxIds: [], timers: [] } };
  }
  if (within && (o.via !== 'subject_tag' || known)) {
    const status = ticket.departmentKey === null ? 'triage' : 'open';
    const deadline = firstDeadline(deps.policy, ticket, now);
    await updateTicket(tx, ticket.id, {
      status, level: 0, resolved_at: null, root_cause: null, preventive_measure: null, updated_at: now,
    });
    const restarted: Ticket = { ...ticket, status, level: 0, resolvedAt: null };
    // New timer rows with the next seq: new job ids, so the clock really starts over.
    const timers = [...await replanEscalation(tx, deps, restarted, deadline.dueAt), ...await planCustomerUpdate(tx, deps, restarted, now)];
    await addThreadIds(tx, ticket.id, [mail.messageId]);
    const eventId = await addEvent(tx, {
      ticketId: ticket.id, kind: 'reopened', actor: sender, inboundId, at: now,
      data: { text, resolvedAt: resolvedAt.toISOString(), rootCause: ticket.rootCause },
    });
    const reopened: Ticket = { ...ticket, status, level: 0, resolvedAt: null, rootCause: null, preventiveMeasure: null };
    const outboxIds = await notify(tx, deps, {
      ticket: reopened, eventId, template: 'reopened', dueAt: deadline.dueAt,
      recipients: deps.directory.audiences(['department_head'], ticket),
      extra: () => ({ by: deps.directory.recipient(sender).name, text: text === '' ? null : text, previousRootCause: ticket.rootCause }),
    });
    return {
      reason: `reply to resolved ${ticket.ref}: reopened, escalation clock restarted`, ticketId: ticket.id,
      effects: { outboxIds, timers },
    };
  }
  // The follow-up is about the same matter: it keeps the old title, and its description is only the new text.
  const opened = await openTicket(tx, deps, { ...mail, subject: ticket.subject, text }, inboundId, { linkedTo: ticket.ref });
  await addEvent(tx, {
    ticketId: ticket.id, kind: 'linked', actor: sender, inboundId, at: now,
    data: { followUp: opened.ticket.ref, followUpId: opened.ticket.id },
  });
  const why = within ? 'only a subject tag from an unknown sender' : 'after the reopen window';
  return {
    reason: `reply to resolved ${ticket.ref} ${why}: new ticket ${opened.ticket.ref} linked to it`,
    ticketId: opened.ticket.id, effects: opened.effects,
  };
}
