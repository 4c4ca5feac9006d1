/**
 * Raises a ticket to a ladder level (at its deadline, or by `#تصعيد`): records it, notifies that level's people and
 * the department head with the history so far (policy 000, item 3), and plans the next level.
 */
import { addEvent, listEvents, updateTicket, type Tx } from '../adapters/ticket-store.ts';
import { voidTimers } from '../adapters/timer-store.ts';
import { ladderOf, nextDeadline } from '../domain/escalation-ladder.ts';
import { describeEvent } from '../domain/event-text.ts';
import { durationText, levelName } from '../domain/labels.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import type { Effects } from './effects.ts';
import { dateText, notify } from './notify.ts';
import { planEscalation } from './ticket-timers.ts';

export interface EscalationCause {
  manual: boolean;
  actor: string | null;
  reason?: string;
  inboundId?: number | null;
}

export async function escalateTicket(tx: Tx, deps: AppDeps, ticket: Ticket, level: number, cause: EscalationCause): Promise<Effects> {
  const ladder = ladderOf(deps.policy, ticket);
  const step = ladder.levels[level - 1];
  if (step === undefined) throw new Error(`the ladder has no level ${level}`);
  const now = deps.clock.now();
  await updateTicket(tx, ticket.id, { level, updated_at: now });
  // At breach the level's own breach reminder still goes to the owner; a manual escalation makes every reminder moot.
  await voidTimers(tx, ticket.id, now, cause.manual ? ['escalate', 'remind'] : ['escalate']);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'escalated', actor: cause.actor, inboundId: cause.inboundId ?? null, at: now,
    data: {
      level, levelName: levelName(step, 'ar', deps.policy.people), levelNameEn: levelName(step, 'en', deps.policy.people),
      ladder: ladder.source, manual: cause.manual, reason: cause.reason ?? null,
    },
  });
  const raised: Ticket = { ...ticket, level };
  const next = nextDeadline(deps.policy, ticket, level, now);
  const timers = next === undefined ? [] : await planEscalation(tx, deps, raised, next.level, now, next.dueAt);
  const events = await listEvents(tx, ticket.id);
  const outboxIds = await notify(tx, deps, {
    ticket: raised, eventId, template: 'escalation', dueAt: next?.dueAt ?? null,
    recipients: deps.directory.audiences([...step.notify, 'department_head'], ticket)
      .filter((r) => r.email !== cause.actor),
    extra: (locale) => ({
      level, levelName: levelName(step, locale, deps.policy.people), manual: cause.manual, reason: cause.reason ?? null,
      by: cause.actor === null ? null : deps.directory.recipient(cause.actor).name,
      overdueSince: durationText(now.getTime() - ticket.createdAt.getTime(), locale),
      history: events.map((e) => ({ at: dateText(deps, e.createdAt, locale), text: describeEvent(e, locale) })),
    }),
  });
  return { outboxIds, timers };
}
