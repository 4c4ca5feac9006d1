/** A new escalation: ticket, first event, copy to the head (or triage to Core), acknowledgement, level-1 deadline. */
import { insertOpenedTicket, type Tx } from '../adapters/ticket-store.ts';
import { NO_TICKET } from '../domain/directory.ts';
import { businessTimeBetween } from '../domain/business-calendar.ts';
import { firstDeadline, ladderLevel, priorityOf } from '../domain/escalation-ladder.ts';
import { businessCalendar } from '../domain/policy-calendar.ts';
import { durationText, levelName } from '../domain/labels.ts';
import type { InboundMail } from '../domain/mail.ts';
import { routeMail } from '../domain/routing.ts';
import { customerFacts, detectPriority } from '../domain/ticket-facts.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import type { Effects } from './effects.ts';
import { notifyAll, type Notice } from './notify.ts';
import { firstTimers, ofTicket } from './ticket-timers.ts';

const MAX_DESCRIPTION = 20_000;

/** The email to the department head with the copy of the ticket (policy 000, items 2–3). */
export async function sendCopyToHead(tx: Tx, deps: AppDeps, ticket: Ticket, eventId: number, dueAt: Date): Promise<number[]> {
  return await notifyAll(tx, deps, [copyToHead(deps, ticket, eventId, dueAt)]);
}

function copyToHead(deps: AppDeps, ticket: Ticket, eventId: number, dueAt: Date): Notice | undefined {
  const dept = deps.directory.department(ticket.departmentKey);
  if (dept === undefined) return undefined;
  const first = ladderLevel(deps.policy, 1, ticket);
  const priority = priorityOf(deps.policy, ticket.priority);
  return {
    ticket, eventId, template: 'ticket-copy', dueAt,
    recipients: [deps.directory.recipient(dept.head)],
    extra: (locale) => ({
      window: priority.clock === 'business'
        ? `${durationText(businessTimeBetween(businessCalendar(deps.policy), deps.clock.now(), dueAt), locale)} ${locale === 'ar' ? 'من ساعات العمل' : 'of business hours'}`
        : durationText(dueAt.getTime() - deps.clock.now().getTime(), locale),
      nextLevel: levelName(first, locale, deps.policy.people),
      priority: priority.name[locale],
    }),
  };
}

export async function openTicket(
  tx: Tx, deps: AppDeps, mail: InboundMail, inboundId: number | null, links: { linkedTo?: string } = {},
): Promise<{ ticket: Ticket; effects: Effects }> {
  const now = deps.clock.now();
  const from = mail.from ?? { email: '', name: '' };
  const route = routeMail(deps.policy, mail);
  const priority = detectPriority(deps.policy, mail.subject, mail.text);
  const customer = customerFacts(mail.text);
  const fields = {
    subject: mail.subject.trim() === '' ? '(بلا موضوع)' : mail.subject.trim(),
    description: mail.text.trim().slice(0, MAX_DESCRIPTION),
    departmentKey: route?.departmentKey ?? null,
    routedVia: route?.via ?? null,
    originatorEmail: from.email,
    originatorName: from.name,
    threadMessageId: mail.messageId,
    priority: priority.key,
    customerEmail: customer.email,
    customerDirection: customer.direction,
    at: now,
  };
  const deadline = firstDeadline(deps.policy, fields, now);
  const plans = firstTimers(deps, { ...fields, status: 'open' }, now, deadline.dueAt);
  const dept = deps.directory.department(fields.departmentKey);
  // The ticket, its first event, its thread and its timers in one statement.
  const { ticket, eventId } = await insertOpenedTicket(tx, fields, {
    event: {
      kind: 'created', actor: from.email, inboundId,
      data: {
        department: dept?.name.ar ?? null, departmentKey: dept?.key ?? null, via: route?.via ?? null, matched: route?.matched ?? null,
        priority: fields.priority, priorityMatched: priority.matched, customer: customer.email, direction: customer.direction,
        ...links,
      },
    },
    threadIds: [mail.messageId],
    timers: plans,
  });
  const timers = ofTicket(ticket.id, plans);

  const sender = deps.directory.recipient(from.email);
  // The copy (or the routing request to Core) and the acknowledgement, in one statement.
  const outboxIds = await notifyAll(tx, deps, [
    dept === undefined
      ? {
        ticket, eventId, template: 'triage', dueAt: deadline.dueAt,
        recipients: deps.directory.audiences(['core'], NO_TICKET),
        extra: (locale) => ({
          departments: deps.policy.departments.map((d) => ({ key: d.key, name: d.name[locale] })),
          example: deps.policy.departments[0]?.name[locale] ?? '',
        }),
      }
      : copyToHead(deps, ticket, eventId, deadline.dueAt),
    {
      ticket, eventId, template: 'ack', dueAt: deadline.dueAt,
      recipients: [{ ...sender, name: from.name === '' ? sender.name : from.name }],
    },
  ]);
  return { ticket, effects: { outboxIds, timers } };
}
