/** Builds the data of ticket emails and queues one outbox row per recipient, each in their own language. */
import type { NewOutbound } from '../adapters/outbox-store.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import { dualDate, type Locale } from '../domain/dates.ts';
import { priorityOf } from '../domain/escalation-ladder.ts';
import type { Recipient } from '../domain/directory.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import { queueEmails } from './queue-email.ts';

export interface TicketView {
  ref: string;
  subject: string;
  description: string;
  department: string | null;
  originator: string;
  createdAt: string;
  dueAt: string;
  priority: string;
  /** The ticket's page on the web desk, when DESK_URL is set. */
  url: string | null;
}

export function dateText(deps: AppDeps, d: Date | null, locale: Locale): string {
  if (d === null) return locale === 'ar' ? '—' : '—';
  return dualDate(d, locale, deps.policy.timezone).text;
}

export function ticketView(deps: AppDeps, t: Ticket, locale: Locale, dueAt: Date | null): TicketView {
  const dept = deps.directory.department(t.departmentKey);
  return {
    ref: t.ref,
    subject: t.subject,
    description: t.description,
    department: dept === undefined ? null : dept.name[locale],
    originator: t.originatorName === '' ? t.originatorEmail : `${t.originatorName} <${t.originatorEmail}>`,
    createdAt: dateText(deps, t.createdAt, locale),
    dueAt: dateText(deps, dueAt, locale),
    priority: priorityOf(deps.policy, t.priority).name[locale],
    url: deps.deskUrl === undefined ? null : `${deps.deskUrl.replace(/\/+$/, '')}/tickets/${t.ref}`,
  };
}

export interface Notice {
  ticket: Ticket;
  eventId: number;
  template: string;
  recipients: readonly Recipient[];
  dueAt: Date | null;
  /** Extra template data for a recipient's language. */
  extra?: (locale: Locale, r: Recipient) => Record<string, unknown>;
}

function outboundRows(deps: AppDeps, n: Notice): NewOutbound[] {
  const org = deps.policy.organisation.name;
  return n.recipients.map((r) => ({
    ticketId: n.ticket.id,
    eventId: n.eventId,
    template: n.template,
    locale: r.locale,
    to: r.email,
    data: {
      org: org[r.locale],
      title: `${n.ticket.ref} ${n.ticket.subject}`,
      recipient: r.name,
      ticket: ticketView(deps, n.ticket, r.locale, n.dueAt),
      ...n.extra?.(r.locale, r),
    },
  }));
}

/** Queues the emails of several notices in one statement. */
export async function notifyAll(tx: Tx, deps: AppDeps, notices: readonly (Notice | undefined)[]): Promise<number[]> {
  const rows = notices.flatMap((n) => (n === undefined ? [] : outboundRows(deps, n)));
  return await queueEmails(tx, deps, deps.clock.now(), rows);
}

export async function notify(tx: Tx, deps: AppDeps, n: Notice): Promise<number[]> {
  return await notifyAll(tx, deps, [n]);
}
