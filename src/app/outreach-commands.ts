/** Commands that reach people: #ملاحظة, #تصعيد, #تواصل, #السياسة. */
import { addEvent } from '../adapters/ticket-store.ts';
import { pendingEscalation } from '../adapters/timer-store.ts';
import type { ParsedCommand } from '../domain/commands.ts';
import { COMMAND_HELP } from '../domain/commands.ts';
import { ladderLevel, ladderOf } from '../domain/escalation-ladder.ts';
import { audienceName, durationText, levelName } from '../domain/labels.ts';
import { refuseWith, type CommandContext, type HandlerOutcome } from './command-context.ts';
import { escalateTicket } from './escalate-ticket.ts';
import { findDepartment } from './lookup.ts';
import { notify } from './notify.ts';

type Generic = Extract<ParsedCommand, { arg: string }>;

export async function note(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  await addEvent(c.tx, { ticketId: c.ticket.id, kind: 'note', actor: c.sender, inboundId: c.inboundId, at: c.deps.clock.now(), data: { text: cmd.text } });
  return { effects: { outboxIds: [], timers: [] }, reason: 'note recorded' };
}

/** Step 9: escalate now, to the next level of the ladder. */
export async function escalate(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const next = c.ticket.level + 1;
  if (ladderLevel(c.deps.policy, next, c.ticket) === undefined) {
    return refuseWith('التذكرة في أعلى مستوى من سلم التصعيد.', 'the ticket is already at the top of the escalation ladder.');
  }
  const effects = await escalateTicket(c.tx, c.deps, c.ticket, next, {
    manual: true, actor: c.sender, reason: cmd.text, inboundId: c.inboundId,
  });
  return { effects, reason: `escalated to level ${next}` };
}

/** Policy 000, item 7: the group may contact any head of department about a ticket. */
export async function contact(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  const dept = findDepartment(deps.policy, cmd.arg);
  if (dept === undefined) {
    return refuseWith(`لا توجد إدارة باسم «${cmd.arg}». اكتبوا اسم الإدارة بعد الأمر ثم رسالتكم في الأسطر التالية.`,
      `there is no department called "${cmd.arg}". Write the department after the command and your message on the next lines.`);
  }
  const message = cmd.text.split('\n').slice(1).join('\n').trim();
  const now = deps.clock.now();
  const eventId = await addEvent(tx, { ticketId: ticket.id, kind: 'contacted', actor: sender, inboundId: c.inboundId, at: now, data: { department: dept.name.ar, departmentKey: dept.key, message } });
  const due = await pendingEscalation(tx, ticket.id);
  const outboxIds = await notify(tx, deps, {
    ticket, eventId, template: 'contact', dueAt: due?.due_at ?? null,
    recipients: [deps.directory.recipient(dept.head)],
    extra: () => ({ by: deps.directory.recipient(sender).name, message: message === '' ? null : message }),
  });
  return { effects: { outboxIds, timers: [] }, reason: `contacted the head of ${dept.key}` };
}

/** Policy 000, item 8: the standards are available on request. */
export async function policy(c: CommandContext): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  const p = deps.policy;
  const eventId = await addEvent(tx, { ticketId: ticket.id, kind: 'policy_sent', actor: sender, inboundId: c.inboundId, at: deps.clock.now(), data: {} });
  const outboxIds = await notify(tx, deps, {
    ticket, eventId, template: 'policy-summary', dueAt: null,
    recipients: [deps.directory.recipient(sender)],
    extra: (locale) => ({
      priorities: p.priorities.map((x) => ({
        name: x.name[locale], deadline: durationText(x.deadline ?? ladderLevel(p, 1, { priority: x.key, departmentKey: ticket.departmentKey })?.after ?? 0, locale),
        business: x.clock === 'business',
      })),
      ladder: ladderOf(p, ticket).levels.map((l, i) => ({ level: i + 1, after: durationText(l.after, locale), who: levelName(l, locale, p.people) })),
      hours: `${p.calendar.hours.start}–${p.calendar.hours.end}`,
      reminders: p.reminders.at_percent.map((x) => `${x}%`).join(locale === 'ar' ? '، ' : ', '),
      updates: durationText(p.customer_updates.every, locale),
      core: audienceName('core', locale),
      commands: COMMAND_HELP[locale],
      standardsUrl: p.standards_url ?? null,
    }),
  });
  return { effects: { outboxIds, timers: [] }, reason: 'policy summary sent' };
}
