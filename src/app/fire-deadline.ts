/**
 * An escalation deadline fired. The deadline row is the truth: the handler reloads it and the ticket and does
 * nothing if the ticket is resolved, the level was already reached, or the row is no longer pending.
 */
import { addDeadline, addEvent, listEvents, loadTicket, settleDeadlines, updateTicket } from '../adapters/ticket-store.ts';
import { ladderLevel, nextDeadline } from '../domain/escalation-ladder.ts';
import { describeEvent } from '../domain/event-text.ts';
import { durationText, levelName } from '../domain/labels.ts';
import type { AppDeps } from './deps.ts';
import { noEffects, type Effects } from './effects.ts';
import { dateText, notify } from './notify.ts';

export type FireResult = 'escalated' | 'not_due' | 'settled' | 'void';

export async function fireDeadline(deps: AppDeps, ticketId: number, level: number): Promise<{ result: FireResult; dueAt?: Date }> {
  let effects: Effects = noEffects();
  const out = await deps.db.transaction(async (tx): Promise<{ result: FireResult; dueAt?: Date }> => {
    const row = await tx('deadlines').where({ ticket_id: ticketId, level }).forUpdate().first() as
      { due_at: Date; status: string } | undefined;
    if (row === undefined || row.status !== 'pending') return { result: 'settled' };
    const now = deps.clock.now();
    if (row.due_at.getTime() > now.getTime()) return { result: 'not_due', dueAt: row.due_at };
    const ticket = await loadTicket(tx, ticketId, true);
    const step = ladderLevel(deps.policy, level);
    if (ticket === undefined || ticket.status === 'resolved' || ticket.level >= level || step === undefined) {
      await settleDeadlines(tx, ticketId, 'void', now, level);
      return { result: 'void' };
    }
    await updateTicket(tx, ticketId, { level, updated_at: now });
    await settleDeadlines(tx, ticketId, 'fired', now, level);
    const eventId = await addEvent(tx, {
      ticketId, kind: 'escalated', actor: null, at: now,
      data: { level, levelName: levelName(step, 'ar'), levelNameEn: levelName(step, 'en'), dueAt: row.due_at.toISOString() },
    });
    const next = nextDeadline(deps.policy, level, now);
    if (next !== undefined) await addDeadline(tx, ticketId, next.level, next.dueAt);
    const events = await listEvents(tx, ticketId);
    const previous = ladderLevel(deps.policy, level - 1);
    const outboxIds = await notify(tx, deps, {
      ticket: { ...ticket, level }, eventId, template: 'escalation', dueAt: next?.dueAt ?? null,
      recipients: deps.directory.audiences(step.notify, ticket.departmentKey),
      extra: (locale) => ({
        level, levelName: levelName(step, locale), window: durationText(step.after, locale),
        previousLevel: levelName(previous, locale),
        history: events.map((e) => ({ at: dateText(deps, e.createdAt, locale), text: describeEvent(e, locale) })),
      }),
    });
    effects = { outboxIds, deadlines: next === undefined ? [] : [{ ticketId, ...next }] };
    return { result: 'escalated' };
  });
  await deps.scheduler.schedule(effects);
  return out;
}
