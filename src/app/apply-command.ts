/**
 * A reply to a ticket: its new text is recorded; a command in it is applied only when the sender used the
 * signed reply address we issued to them and their role allows the command (policy `commands`).
 */
import { addEvent, addThreadIds, type Tx } from '../adapters/ticket-store.ts';
import { pendingEscalation } from '../adapters/timer-store.ts';
import { COMMAND_HELP, parseCommand, type ParsedCommand } from '../domain/commands.ts';
import { refusalOnHold } from '../domain/hold.ts';
import type { InboundMail } from '../domain/mail.ts';
import { coreAddresses } from '../domain/policy.ts';
import { findReplyTokens, verifyReplyToken } from '../domain/reply-token.ts';
import { stripQuoted } from '../domain/quote-strip.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { CommandContext, HandlerOutcome, Refusal } from './command-context.ts';
import type { AppDeps } from './deps.ts';
import { noEffects, type Effects } from './effects.ts';
import { notify } from './notify.ts';
import { contact, escalate, note, policy } from './outreach-commands.ts';
import { assign, customer, deadline, plan, priority, resolve, route } from './ticket-commands.ts';
import { senderAuthRefusal } from './sender-auth.ts';
import { hold, resume } from './hold-commands.ts';

/** The command as the sender wrote it: an Arabic reader sees #حل, not #resolve. */
export function commandLabel(c: ParsedCommand): string {
  return `#${c.word}`;
}

async function refuse(tx: Tx, deps: AppDeps, ticket: Ticket, sender: string, inboundId: number, r: Refusal): Promise<Effects> {
  const now = deps.clock.now();
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'command_refused', actor: sender, inboundId, at: now,
    data: { command: r.command, reason: r.reason.en, reasonAr: r.reason.ar },
  });
  const due = await pendingEscalation(tx, ticket.id);
  const outboxIds = await notify(tx, deps, {
    ticket, eventId, template: 'command-refused', dueAt: due?.due_at ?? null,
    recipients: [deps.directory.recipient(sender)],
    extra: (locale) => ({
      command: r.command, reason: r.reason[locale], example: r.example?.[locale] ?? null, commands: COMMAND_HELP[locale],
    }),
  });
  return { outboxIds, timers: [] };
}

/** Why a sender may not apply this command at all, or undefined when they may try. */
function authorise(deps: AppDeps, ticket: Ticket, mail: InboundMail, c: ParsedCommand): Refusal | undefined {
  const sender = mail.from?.email ?? '';
  const command = commandLabel(c);
  // the token of the reply address (plus) or of our Message-ID the reply answers (plain); the subject tag never counts
  const tokens = findReplyTokens(coreAddresses(deps.policy), mail);
  if (!tokens.some((t) => t.ticketId === ticket.id && verifyReplyToken(deps.replySecret, t, sender))) {
    return { command, reason: {
      ar: 'لم يصل الرد عبر عنوان الرد الموقّع الذي أرسلناه إليكم لهذه التذكرة، لذلك لا يمكن التحقق من هويتكم. استخدموا «رد» على رسالة التذكرة نفسها.',
      en: 'the reply did not come through the signed reply address we sent you for this ticket, so your identity cannot be verified. Use "Reply" on the ticket email itself.',
    } };
  }
  return roleRefusal(deps, ticket, sender, c);
}

/** Why the policy does not let this person apply this command to this ticket (email and web alike). */
export function roleRefusal(deps: AppDeps, ticket: Ticket, sender: string, c: ParsedCommand): Refusal | undefined {
  const command = commandLabel(c);
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
  if (ticket.status === 'resolved' && c.name !== 'note' && c.name !== 'policy') {
    return { command, reason: { ar: 'التذكرة محلولة مسبقاً.', en: 'the ticket is already resolved.' } };
  }
  const onHold = refusalOnHold(ticket.status, c.name);
  if (onHold !== undefined) return { command, reason: onHold };
  return undefined;
}

export async function runCommand(ctx: CommandContext, c: Exclude<ParsedCommand, { name: 'unknown' }>): Promise<HandlerOutcome> {
  switch (c.name) {
    case 'resolve': return await resolve(ctx, c);
    case 'route': return await route(ctx, c);
    case 'priority': return await priority(ctx, c);
    case 'assign': return await assign(ctx, c);
    case 'plan': return await plan(ctx, c);
    case 'deadline': return await deadline(ctx, c);
    case 'customer': return await customer(ctx, c);
    case 'note': return await note(ctx, c);
    case 'escalate': return await escalate(ctx, c);
    case 'contact': return await contact(ctx, c);
    case 'policy': return await policy(ctx);
    case 'hold': return await hold(ctx, c);
    case 'resume': return await resume(ctx);
  }
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
    ?? (command.name === 'unknown' ? undefined : await senderAuthRefusal(tx, deps, { ticket, mail, inboundId, command: commandLabel(command) }));
  const outcome = refusal !== undefined || command.name === 'unknown'
    ? { refusal: refusal ?? { reason: { ar: 'أمر غير معروف.', en: 'unknown command.' } } }
    : await runCommand({ tx, deps, ticket, sender, inboundId }, command);
  if ('refusal' in outcome) {
    const r: Refusal = { ...outcome.refusal, command: commandLabel(command) };
    return { effects: await refuse(tx, deps, ticket, sender, inboundId, r), reason: `${r.command} refused: ${r.reason.en}` };
  }
  return outcome;
}
