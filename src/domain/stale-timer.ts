/**
 * When a due timer row does nothing: the ticket is gone or resolved, or moved past the step the row was planned
 * for. The one rule both firing paths (one timer, a batch of them) apply.
 */
import { ladderLevel } from './escalation-ladder.ts';
import type { Policy } from './policy.ts';
import type { Ticket } from './ticket.ts';
import type { Timer } from './timer.ts';

export function isStaleTimer(policy: Policy, ticket: Ticket | undefined, t: Pick<Timer, 'kind' | 'level' | 'data'>): boolean {
  if (ticket === undefined || ticket.status === 'resolved') return true;
  switch (t.kind) {
    case 'escalate':
      if (ticket.level >= t.level || ladderLevel(policy, t.level, ticket) === undefined) return true;
      break;
    case 'remind':
      if (ticket.level > t.level || (ticket.level === t.level && Number(t.data?.percent) < 100)) return true;
      break;
    case 'customer_update':
      return ticket.customerEmail === null;
    case 'resume':
      return ticket.status !== 'on_hold';
  }
  // On hold the clock stops: a reminder or escalation row that escaped the hold's voiding does nothing.
  return ticket.status === 'on_hold';
}
