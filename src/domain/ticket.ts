/** A ticket as the rules see it. */
export type TicketStatus = 'triage' | 'open' | 'resolved';

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
}

export type EventKind =
  | 'created' | 'routed' | 'escalated' | 'resolved' | 'reply' | 'note'
  | 'command_refused' | 'auto_reply' | 'bounce' | 'reopened' | 'linked' | 'sender_checked'
  | 'reminder' | 'customer_updated' | 'priority_set' | 'assigned' | 'plan_set' | 'deadline_set'
  | 'contacted' | 'policy_sent' | 'customer_set';

export interface TicketEvent {
  id: number;
  ticketId: number;
  kind: EventKind;
  actor: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}
