/**
 * Raises tickets to a ladder level (at their deadlines, or by `#تصعيد`): records it, notifies that level's people
 * and the department head with the history so far (policy 000, item 3), and plans the next level. Many tickets
 * at once take one statement per step (a batch of fired deadlines), one ticket the same code.
 */
import { addEvents, eventsOfTickets, setTicketLevels, type Tx } from '../adapters/ticket-store.ts';
import { voidTimersOf } from '../adapters/timer-store.ts';
import { ladderOf, nextDeadline } from '../domain/escalation-ladder.ts';
import { describeEvent } from '../domain/event-text.ts';
import { durationText, levelName } from '../domain/labels.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import type { Effects } from './effects.ts';
import { dateText, notifyAll, type Notice } from './notify.ts';
import { planEscalations } from './ticket-timers.ts';

export interface EscalationCause {
  manual: boolean;
  actor: string | null;
  reason?: string;
  inboundId?: number | null;
}

export async function escalateTicket(tx: Tx, deps: AppDeps, ticket: Ticket, level: number, cause: EscalationCause): Promise<Effects> {
  return await escalateTickets(tx, deps, [{ ticket, level }], cause);
}

export async function escalateTickets(tx: Tx, deps: AppDeps, items: readonly { ticket: Ticket; level: number }[], cause: EscalationCause): Promise<Effects> {
  if (items.length === 0) return { outboxIds: [], timers: [] };
  const now = deps.clock.now();
  const steps = items.map(({ ticket, level }) => {
    const ladder = ladderOf(deps.policy, ticket);
    const step = ladder.levels[level - 1];
    if (step === undefined) throw new Error(`the ladder has no level ${level}`);
    return { ticket, level, ladder, step, raised: { ...ticket, level }, next: nextDeadline(deps.policy, ticket, level, now) };
  });
  const ids = items.map((i) => i.ticket.id);
  await setTicketLevels(tx, items.map((i) => ({ id: i.ticket.id, level: i.level })), now);
  // At breach the level's own breach reminder still goes to the owner; a manual escalation makes every reminder moot.
  await voidTimersOf(tx, ids, now, cause.manual ? ['escalate', 'remind'] : ['escalate']);
  const eventIds = await addEvents(tx, steps.map(({ ticket, level, ladder, step }) => ({
    ticketId: ticket.id, kind: 'escalated' as const, actor: cause.actor, inboundId: cause.inboundId ?? null, at: now,
    data: {
      level, levelName: levelName(step, 'ar', deps.policy.people), levelNameEn: levelName(step, 'en', deps.policy.people),
      ladder: ladder.source, manual: cause.manual, reason: cause.reason ?? null,
    },
  })));
  const timers = await planEscalations(tx, deps, steps.flatMap((s) => (s.next === undefined ? []
    : [{ ticket: s.raised, level: s.next.level, start: now, dueAt: s.next.dueAt }])));
  const history = await eventsOfTickets(tx, ids);
  const notices = steps.map(({ ticket, level, step, raised, next }, i): Notice => ({
    ticket: raised, eventId: eventIds[i] ?? 0, template: 'escalation', dueAt: next?.dueAt ?? null,
    recipients: deps.directory.audiences([...step.notify, 'department_head'], ticket)
      .filter((r) => r.email !== cause.actor),
    extra: (locale) => ({
      level, levelName: levelName(step, locale, deps.policy.people), manual: cause.manual, reason: cause.reason ?? null,
      by: cause.actor === null ? null : deps.directory.recipient(cause.actor).name,
      overdueSince: durationText(now.getTime() - ticket.createdAt.getTime(), locale),
      history: (history.get(ticket.id) ?? []).map((e) => ({ at: dateText(deps, e.createdAt, locale), text: describeEvent(e, locale) })),
    }),
  }));
  const outboxIds = await notifyAll(tx, deps, notices);
  return { outboxIds, timers };
}
