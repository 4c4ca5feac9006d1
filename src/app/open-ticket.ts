/** A new escalation: ticket, first event, copy to the head (or triage to Core), acknowledgement, level-1 deadline. */
import { addDeadline, addEvent, addThreadIds, insertTicket, type Tx } from '../adapters/ticket-store.ts';
import { firstDeadline, ladderLevel } from '../domain/escalation-ladder.ts';
import { durationText, levelName } from '../domain/labels.ts';
import type { InboundMail } from '../domain/mail.ts';
import { routeMail } from '../domain/routing.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import type { Effects } from './effects.ts';
import { notify } from './notify.ts';

const MAX_DESCRIPTION = 20_000;

/** The email to the department head with the copy of the ticket (policy 000, items 2–3). */
export async function sendCopyToHead(tx: Tx, deps: AppDeps, ticket: Ticket, eventId: number, dueAt: Date): Promise<number[]> {
  const dept = deps.directory.department(ticket.departmentKey);
  if (dept === undefined) return [];
  const first = ladderLevel(deps.policy, 1);
  return await notify(tx, deps, {
    ticket, eventId, template: 'ticket-copy', dueAt,
    recipients: [deps.directory.recipient(dept.head)],
    extra: (locale) => ({
      window: durationText(first?.after ?? 0, locale),
      nextLevel: levelName(first, locale),
    }),
  });
}

export async function openTicket(
  tx: Tx, deps: AppDeps, mail: InboundMail, inboundId: number | null, links: { linkedTo?: string } = {},
): Promise<{ ticket: Ticket; effects: Effects }> {
  const now = deps.clock.now();
  const from = mail.from ?? { email: '', name: '' };
  const route = routeMail(deps.policy, mail);
  const ticket = await insertTicket(tx, {
    subject: mail.subject.trim() === '' ? '(بلا موضوع)' : mail.subject.trim(),
    description: mail.text.trim().slice(0, MAX_DESCRIPTION),
    departmentKey: route?.departmentKey ?? null,
    routedVia: route?.via ?? null,
    originatorEmail: from.email,
    originatorName: from.name,
    threadMessageId: mail.messageId,
    at: now,
  });
  const deadline = firstDeadline(deps.policy, now);
  await addDeadline(tx, ticket.id, deadline.level, deadline.dueAt);
  await addThreadIds(tx, ticket.id, [mail.messageId]);
  const dept = deps.directory.department(ticket.departmentKey);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'created', actor: from.email, inboundId, at: now,
    data: { department: dept?.name.ar ?? null, departmentKey: dept?.key ?? null, via: route?.via ?? null, matched: route?.matched ?? null, ...links },
  });

  const outboxIds = dept === undefined
    ? await notify(tx, deps, {
      ticket, eventId, template: 'triage', dueAt: deadline.dueAt,
      recipients: deps.directory.audiences(['core'], null),
      extra: (locale) => ({
        departments: deps.policy.departments.map((d) => ({ key: d.key, name: d.name[locale] })),
        example: deps.policy.departments[0]?.name[locale] ?? '',
      }),
    })
    : await sendCopyToHead(tx, deps, ticket, eventId, deadline.dueAt);

  const sender = deps.directory.recipient(from.email);
  outboxIds.push(...await notify(tx, deps, {
    ticket, eventId, template: 'ack', dueAt: deadline.dueAt,
    recipients: [{ ...sender, name: from.name === '' ? sender.name : from.name }],
  }));
  return { ticket, effects: { outboxIds, deadlines: [{ ticketId: ticket.id, ...deadline }] } };
}
