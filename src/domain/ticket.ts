/** A ticket as the rules see it. */
export type TicketStatus = 'triage' | 'open' | 'on_hold' | 'resolved';

export interface Ticket {
  id: number;
  ref: string;
  subject: string;
  description: string;
  departmentKey: string | null;
  routedVia: string | null;
  status: TicketStatus;
  level: number;
  originatorEmail: string;
  originatorName: string;
  ownerEmail: string | null;
  rootCause: string | null;
  preventiveMeasure: string | null;
  threadMessageId: string | null;
  priority: string;
  actionPlan: string | null;
  customerEmail: string | null;
  customerDirection: string | null;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  /** On hold: since when, why, until when (if said) and the time that was left to the pending escalation. */
  hold: { since: Date; reason: string; until: Date | null; remainingMs: number | null } | null;
  /** Total time spent on hold so far (reports measure the clock without it). */
  heldMs: number;
}

export type EventKind =
  | 'created' | 'routed' | 'escalated' | 'resolved' | 'reply' | 'note'
  | 'command_refused' | 'auto_reply' | 'bounce' | 'reopened' | 'linked' | 'sender_checked'
  | 'reminder' | 'customer_updated' | 'priority_set' | 'assigned' | 'plan_set' | 'deadline_set'
  | 'contacted' | 'policy_sent' | 'customer_set' | 'held' | 'resumed';

export interface TicketEvent {
  id: number;
  ticketId: number;
  kind: EventKind;
  actor: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}
