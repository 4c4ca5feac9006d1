/**
 * A reply to a ticket: its new text is recorded; a command in it is applied only when the sender used the
 * signed reply address we issued to them and their role allows the command (policy `commands`).
 */
import {
  addEvent, addThreadIds, pendingDeadline, settleDeadlines, updateTicket, type Tx,
} from '../adapters/ticket-store.ts';
import { containsPhrase, normalizeForMatch } from '../domain/arabic-text.ts';
import { parseCommand, type ParsedCommand } from '../domain/commands.ts';
import type { Locale } from '../domain/dates.ts';
import type { InboundMail } from '../domain/mail.ts';
import { findReplyToken, verifyReplyToken } from '../domain/reply-token.ts';
import { stripQuoted } from '../domain/quote-strip.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import { noEffects, type Effects } from './effects.ts';
import { dateText, notify } from './notify.ts';
import { sendCopyToHead } from './open-ticket.ts';
import { senderAuthRefusal } from './sender-auth.ts';

const COMMAND_WORDS: Record<Locale, readonly string[]> = {
  ar: ['#حل', '#ملاحظة', '#توجيه'],
  en: ['#resolve', '#note', '#route'],
};

const RESOLVE_EXAMPLE: Record<Locale, string> = {
  ar: '#حل\nالسبب: تأخر اعتماد الفاتورة لغياب المعتمد.\nالإجراء الوقائي: تعيين معتمد بديل لكل فاتورة.',
  en: '#resolve\nRoot cause: the invoice waited for an absent approver.\nPrevention: every invoice now has a deputy approver.',
};

interface Refusal { command: string; reason: Record<Locale, string>; example?: Record<Locale, string> }

function commandLabel(c: ParsedCommand): string {
  return c.name === 'unknown' ? `#${c.word}` : `#${c.name}`;
}

async function refuse(tx: Tx, deps: AppDeps, ticket: Ticket, sender: string, inboundId: number, r: Refusal): Promise<Effects> {
  const now = deps.clock.now();
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'command_refused', actor: sender, inboundId, at: now,
    data: { command: r.command, reason: r.reason.en, reasonAr: r.reason.ar },
  });
  const due = await pendingDeadline(tx, ticket.id);
  const outboxIds = await notify(tx, deps, {
    ticket, eventId, template: 'command-refused', dueAt: due?.due_at ?? null,
    recipients: [deps.directory.recipient(sender)],
    extra: (locale) => ({
      command: r.command, reason: r.reason[locale], example: r.example?.[locale] ?? null, commands: COMMAND_WORDS[locale],
    }),
  });
  return { outboxIds, deadlines: [] };
}

/** Why a sender may not apply this command, or undefined when they may. */
function authorise(deps: AppDeps, ticket: Ticket, mail: InboundMail, c: ParsedCommand): Refusal | undefined {
  const sender = mail.from?.email ?? '';
  const command = commandLabel(c);
  const token = findReplyToken(deps.policy.core.mailbox, mail.recipients);
  if (token === undefined || token.ticketId !== ticket.id || !verifyReplyToken(deps.replySecret, token, sender)) {
    return { command, reason: {
      ar: 'لم يصل الرد عبر عنوان الرد الموقّع الذي أرسلناه إليكم لهذه التذكرة، لذلك لا يمكن التحقق من هويتكم. استخدموا «رد» على رسالة التذكرة نفسها.',
      en: 'the reply did not come through the signed reply address we sent you for this ticket, so your identity cannot be verified. Use "Reply" on the ticket email itself.',
    } };
  }
  if (c.name === 'unknown') {
    return { command, reason: { ar: 'أمر غير معروف.', en: 'unknown command.' } };
  }
  const allowed = deps.policy.commands[c.name];
  const actors = deps.directory.actorsFor(sender, ticket);
  if (!allowed.some((a) => actors.has(a))) {
    return { command, reason: {
      ar: 'دوركم في السياسة لا يسمح بهذا الأمر على هذه التذكرة.',
      en: 'your role in the policy does not allow this command on this ticket.',
    } };
  }
  if (ticket.status === 'resolved' && c.name !== 'note') {
    return { command, reason: { ar: 'التذكرة محلولة مسبقاً.', en: 'the ticket is already resolved.' } };
  }
  if (c.name === 'resolve' && (c.rootCause === '' || c.prevention === '')) {
    const missing = c.rootCause === ''
      ? { ar: 'السبب الجذري', en: 'the root cause' } : { ar: 'الإجراء الوقائي', en: 'the preventive measure' };
    return {
      command,
      reason: {
        ar: `لا تُغلق التذكرة دون تحديد السبب الجذري والإجراء الوقائي (سياسة التصعيد، الخطوة 11). ينقص: ${missing.ar}.`,
        en: `a ticket cannot be closed without its root cause and preventive measure (escalation policy, step 11). Missing: ${missing.en}.`,
      },
      example: RESOLVE_EXAMPLE,
    };
  }
  if (c.name === 'route' && findDepartment(deps, c.department) === undefined) {
    return { command, reason: {
      ar: `لا توجد إدارة باسم «${c.department}». استخدموا اسم الإدارة أو رمزها كما في القائمة.`,
      en: `there is no department called "${c.department}". Use a department's name or key from the list.`,
    } };
  }
  return undefined;
}

function findDepartment(deps: AppDeps, text: string): string | undefined {
  const t = normalizeForMatch(text);
  if (t.trim() === '') return undefined;
  return deps.policy.departments.find((d) => d.key === t.trim() || [d.name.ar, d.name.en].some((n) => containsPhrase(t, n)))?.key;
}

async function resolve(tx: Tx, deps: AppDeps, ticket: Ticket, sender: string, inboundId: number,
  c: Extract<ParsedCommand, { name: 'resolve' }>): Promise<Effects> {
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, {
    status: 'resolved', root_cause: c.rootCause, preventive_measure: c.prevention, resolved_at: now, updated_at: now,
  });
  await settleDeadlines(tx, ticket.id, 'void', now);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'resolved', actor: sender, inboundId, at: now,
    data: { rootCause: c.rootCause, prevention: c.prevention, comment: c.text },
  });
  const head = deps.directory.department(ticket.departmentKey)?.head;
  const emails = [...new Set([ticket.originatorEmail, head].filter((e): e is string => e !== undefined && e !== sender))];
  const resolver = deps.directory.recipient(sender);
  const outboxIds = await notify(tx, deps, {
    ticket: { ...ticket, status: 'resolved', resolvedAt: now }, eventId, template: 'resolved', dueAt: null,
    recipients: emails.map((e) => deps.directory.recipient(e)),
    extra: (locale) => ({
      resolvedBy: resolver.name, resolvedAt: dateText(deps, now, locale),
      rootCause: c.rootCause, prevention: c.prevention, comment: c.text === '' ? null : c.text,
    }),
  });
  return { outboxIds, deadlines: [] };
}

async function route(tx: Tx, deps: AppDeps, ticket: Ticket, sender: string, inboundId: number, departmentKey: string): Promise<Effects> {
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { department_key: departmentKey, routed_via: 'core', status: 'open', updated_at: now });
  const dept = deps.directory.department(departmentKey);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'routed', actor: sender, inboundId, at: now,
    data: { department: dept?.name.ar ?? departmentKey, departmentKey },
  });
  const due = await pendingDeadline(tx, ticket.id);
  const routed: Ticket = { ...ticket, departmentKey, status: 'open' };
  return { outboxIds: await sendCopyToHead(tx, deps, routed, eventId, due?.due_at ?? now), deadlines: [] };
}

export async function applyReply(tx: Tx, deps: AppDeps, ticket: Ticket, mail: InboundMail, inboundId: number): Promise<{ effects: Effects; reason: string }> {
  const sender = mail.from?.email ?? '';
  const text = stripQuoted(mail.text);
  await addThreadIds(tx, ticket.id, [mail.messageId]);
  const command = parseCommand(text);
  if (command === undefined) {
    await addEvent(tx, { ticketId: ticket.id, kind: 'reply', actor: sender, inboundId, at: deps.clock.now(), data: { text } });
    return { effects: noEffects(), reason: 'reply recorded' };
  }
  const refusal = authorise(deps, ticket, mail, command)
    ?? await senderAuthRefusal(tx, deps, { ticket, mail, inboundId, command: commandLabel(command) });
  if (refusal !== undefined) {
    return { effects: await refuse(tx, deps, ticket, sender, inboundId, refusal), reason: `${refusal.command} refused: ${refusal.reason.en}` };
  }
  switch (command.name) {
    case 'resolve':
      return { effects: await resolve(tx, deps, ticket, sender, inboundId, command), reason: 'ticket resolved' };
    case 'route': {
      const key = findDepartment(deps, command.department) ?? '';
      return { effects: await route(tx, deps, ticket, sender, inboundId, key), reason: `routed to ${key}` };
    }
    case 'note':
      await addEvent(tx, { ticketId: ticket.id, kind: 'note', actor: sender, inboundId, at: deps.clock.now(), data: { text: command.text } });
      return { effects: noEffects(), reason: 'note recorded' };
    case 'unknown':
      return { effects: noEffects(), reason: 'unknown command' };
  }
}
