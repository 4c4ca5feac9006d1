/** Commands that change a ticket: #حل, #توجيه, #أولوية, #تعيين, #خطة, #موعد, #عميل. */
import { addEvent, updateTicket } from '../adapters/ticket-store.ts';
import { pendingEscalation, voidTimers } from '../adapters/timer-store.ts';
import { addTime, dayHours } from '../domain/business-calendar.ts';
import { missingResolveFields, type ParsedCommand } from '../domain/commands.ts';
import type { Locale } from '../domain/dates.ts';
import { parseDeadlineArg } from '../domain/deadline-arg.ts';
import { firstDeadline, priorityOf } from '../domain/escalation-ladder.ts';
import { businessCalendar } from '../domain/policy-calendar.ts';
import { coreAddresses } from '../domain/policy.ts';
import { isCoreAddress } from '../domain/reply-token.ts';
import { durationText } from '../domain/labels.ts';
import type { Ticket } from '../domain/ticket.ts';
import { refuseWith, type CommandContext, type HandlerOutcome } from './command-context.ts';
import { findDepartment, findPerson, findPriority } from './lookup.ts';
import { CORE_NOT_ASSIGNABLE, namesCore } from '../domain/hidden-core-group.ts';
import { dateText, notify } from './notify.ts';
import { sendCopyToHead } from './open-ticket.ts';
import { planCustomerUpdate, replanEscalation } from './ticket-timers.ts';

type Generic = Extract<ParsedCommand, { arg: string }>;

const RESOLVE_EXAMPLE: Record<Locale, string> = {
  ar: '#حل\nالسبب: تأخر اعتماد الفاتورة لغياب المعتمد.\nالإجراء الوقائي: تعيين معتمد بديل لكل فاتورة.',
  en: '#resolve\nRoot cause: the invoice waited for an absent approver.\nPrevention: every invoice now has a deputy approver.',
};

export async function resolve(c: CommandContext, cmd: Extract<ParsedCommand, { name: 'resolve' }>): Promise<HandlerOutcome> {
  const missing = missingResolveFields(cmd);
  if (missing !== undefined) {
    return refuseWith(
      `لا تُغلق التذكرة دون تحديد السبب الجذري والإجراء الوقائي (سياسة التصعيد، الخطوة 11). ينقص: ${missing.ar}.`,
      `a ticket cannot be closed without its root cause and preventive measure (escalation policy, step 11). Missing: ${missing.en}.`,
      RESOLVE_EXAMPLE);
  }
  const { tx, deps, ticket, sender } = c;
  const now = deps.clock.now();
  // Resolved while on hold: the hold ends here, and its time joins the time on hold (time to resolve leaves it out).
  const held = ticket.hold === null ? {} : {
    hold_since: null, hold_reason: null, hold_until: null, hold_remaining_ms: null,
    held_ms: ticket.heldMs + Math.max(0, now.getTime() - ticket.hold.since.getTime()),
  };
  await updateTicket(tx, ticket.id, { status: 'resolved', root_cause: cmd.rootCause, preventive_measure: cmd.prevention, resolved_at: now, updated_at: now, ...held });
  await voidTimers(tx, ticket.id, now);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'resolved', actor: sender, inboundId: c.inboundId, at: now,
    data: { rootCause: cmd.rootCause, prevention: cmd.prevention, comment: cmd.text },
  });
  const head = deps.directory.department(ticket.departmentKey)?.head;
  const emails = [...new Set([ticket.originatorEmail, head, ticket.ownerEmail].filter((e): e is string => e != null && e !== sender))];
  const resolver = deps.directory.recipient(sender);
  const resolved: Ticket = { ...ticket, status: 'resolved', resolvedAt: now };
  const outboxIds = await notify(tx, deps, {
    ticket: resolved, eventId, template: 'resolved', dueAt: null,
    recipients: emails.map((e) => deps.directory.recipient(e)),
    extra: (locale) => ({
      resolvedBy: resolver.name, resolvedAt: dateText(deps, now, locale),
      rootCause: cmd.rootCause, prevention: cmd.prevention, comment: cmd.text === '' ? null : cmd.text,
    }),
  });
  if (ticket.customerEmail !== null) {
    outboxIds.push(...await notify(tx, deps, {
      ticket: resolved, eventId, template: 'customer-update', dueAt: null,
      recipients: [{ ...deps.directory.recipient(ticket.customerEmail), locale: deps.policy.locale }],
      extra: () => ({ plan: null, lastActivity: null, escalated: false, resolved: true }),
    }));
  }
  return { effects: { outboxIds, timers: [] }, reason: 'ticket resolved' };
}

export async function route(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const dept = findDepartment(c.deps.policy, cmd.arg);
  if (dept === undefined) {
    return refuseWith(`لا توجد إدارة باسم «${cmd.arg}». استخدموا اسم الإدارة أو رمزها.`,
      `there is no department called "${cmd.arg}". Use a department's name or key.`);
  }
  const { tx, deps, ticket, sender } = c;
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { department_key: dept.key, routed_via: 'core', status: 'open', updated_at: now });
  const eventId = await addEvent(tx, { ticketId: ticket.id, kind: 'routed', actor: sender, inboundId: c.inboundId, at: now, data: { department: dept.name.ar, departmentKey: dept.key } });
  const due = await pendingEscalation(tx, ticket.id);
  const outboxIds = await sendCopyToHead(tx, deps, { ...ticket, departmentKey: dept.key, status: 'open' }, eventId, due?.due_at ?? now);
  return { effects: { outboxIds, timers: [] }, reason: `routed to ${dept.key}` };
}

export async function priority(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  const p = findPriority(deps.policy, cmd.arg);
  if (p === undefined) {
    const names = deps.policy.priorities;
    return refuseWith(`لا توجد أولوية «${cmd.arg}». الأولويات: ${names.map((x) => x.name.ar).join('، ')}.`,
      `there is no priority "${cmd.arg}". Priorities: ${names.map((x) => x.name.en).join(', ')}.`);
  }
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { priority: p.key, updated_at: now });
  const changed: Ticket = { ...ticket, priority: p.key };
  // Before the first escalation the deadline follows the priority, counted from when the ticket arrived.
  const timers = ticket.level === 0
    ? await replanEscalation(tx, deps, changed, new Date(Math.max(now.getTime(), firstDeadline(deps.policy, changed, ticket.createdAt).dueAt.getTime())))
    : [];
  await addEvent(tx, { ticketId: ticket.id, kind: 'priority_set', actor: sender, inboundId: c.inboundId, at: now, data: { priority: p.name.ar, priorityKey: p.key } });
  return { effects: { outboxIds: [], timers }, reason: `priority ${p.key}` };
}

export async function assign(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  if (namesCore(deps.policy, cmd.arg)) {
    return refuseWith(CORE_NOT_ASSIGNABLE.ar, CORE_NOT_ASSIGNABLE.en);
  }
  const person = findPerson(deps.policy, cmd.arg);
  if (person === undefined) {
    return refuseWith(`لم نجد «${cmd.arg}» بين الأشخاص في السياسة. اكتبوا بريده الإلكتروني.`,
      `"${cmd.arg}" is not a person in the policy. Write their email address.`);
  }
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { owner_email: person.email, updated_at: now });
  const eventId = await addEvent(tx, { ticketId: ticket.id, kind: 'assigned', actor: sender, inboundId: c.inboundId, at: now, data: { owner: person.email } });
  const due = await pendingEscalation(tx, ticket.id);
  const owned: Ticket = { ...ticket, ownerEmail: person.email };
  const outboxIds = person.email === sender ? [] : await notify(tx, deps, {
    ticket: owned, eventId, template: 'assigned', dueAt: due?.due_at ?? null,
    recipients: [deps.directory.recipient(person.email)],
    extra: () => ({ by: deps.directory.recipient(sender).name, plan: ticket.actionPlan }),
  });
  return { effects: { outboxIds, timers: [] }, reason: `assigned to ${person.email}` };
}

export async function plan(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  if (cmd.text === '') return refuseWith('اكتبوا خطة العمل بعد الأمر: الخطوات والموارد المطلوبة (سياسة التصعيد، الخطوة 6).', 'write the action plan after the command: the steps and resources needed (escalation policy, step 6).');
  const { tx, deps, ticket, sender } = c;
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { action_plan: cmd.text, updated_at: now });
  await addEvent(tx, { ticketId: ticket.id, kind: 'plan_set', actor: sender, inboundId: c.inboundId, at: now, data: { plan: cmd.text } });
  return { effects: { outboxIds: [], timers: [] }, reason: 'action plan recorded' };
}

export async function deadline(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  const policy = deps.policy;
  const cal = businessCalendar(policy);
  const parsed = parseDeadlineArg(cmd.arg, policy.timezone, (date) => dayHours(cal, date).closesAt);
  const example = { ar: '#موعد 48h\n#موعد 3 أيام\n#موعد 2026-12-01 14:00', en: '#deadline 48h\n#deadline 2026-12-01 14:00' };
  if (parsed === undefined) return refuseWith(`لم نفهم الموعد «${cmd.arg}».`, `"${cmd.arg}" is not a deadline we understand.`, example);
  const now = deps.clock.now();
  const due = parsed.kind === 'instant' ? parsed.at : addTime(cal, priorityOf(policy, ticket.priority).clock, now, parsed.ms);
  const span = due.getTime() - now.getTime();
  const { min, max } = policy.deadline_bounds;
  if (span < min || span > max) {
    return refuseWith(
      `الموعد يجب أن يكون بين ${durationText(min, 'ar')} و${durationText(max, 'ar')} من الآن (حسب السياسة).`,
      `the deadline must be between ${durationText(min, 'en')} and ${durationText(max, 'en')} from now (policy).`, example);
  }
  const timers = await replanEscalation(tx, deps, ticket, due);
  await updateTicket(tx, ticket.id, { updated_at: now });
  await addEvent(tx, { ticketId: ticket.id, kind: 'deadline_set', actor: sender, inboundId: c.inboundId, at: now, data: { dueAt: due.toISOString(), dueAtText: dateText(deps, due, 'ar') } });
  return { effects: { outboxIds: [], timers }, reason: `deadline ${due.toISOString()}` };
}

export async function customer(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(cmd.arg)?.[0]?.toLowerCase();
  if (email === undefined) {
    return refuseWith('اكتبوا بريد العميل بعد الأمر، ثم رغبته في سطر تالٍ (سياسة التصعيد، الخطوة 5).', "write the customer's email after the command and their direction on the next line (escalation policy, step 5).",
      { ar: '#عميل client@example.com\nيطلب العميل تسليم الشحنة قبل الخميس.', en: '#customer client@example.com\nThe customer wants delivery before Thursday.' });
  }
  if (isCoreAddress(coreAddresses(deps.policy), email)) {
    return refuseWith('هذا عنوان صندوق الكور نفسه وليس عميلاً؛ اكتبوا بريد العميل.', "that is an address of the Core mailbox itself, not a customer; write the customer's email.");
  }
  const direction = cmd.text.split('\n').slice(1).join('\n').trim() || ticket.customerDirection;
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { customer_email: email, customer_direction: direction, updated_at: now });
  await addEvent(tx, { ticketId: ticket.id, kind: 'customer_set', actor: sender, inboundId: c.inboundId, at: now, data: { email, direction } });
  const timers = ticket.customerEmail === null ? await planCustomerUpdate(tx, deps, { ...ticket, customerEmail: email }, now) : [];
  return { effects: { outboxIds: [], timers }, reason: `customer ${email}` };
}
