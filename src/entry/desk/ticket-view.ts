/** Ticket rows as the desk shows them: names instead of keys, dual dates, and the SLA clock in words. */
import type { ListedTicket, SentEmail, TicketPageData } from '../../adapters/desk-read-model.ts';
import { dualDate, type Locale } from '../../domain/dates.ts';
import type { Directory } from '../../domain/directory.ts';
import { priorityOf } from '../../domain/escalation-ladder.ts';
import { describeEvent } from '../../domain/event-text.ts';
import { durationText } from '../../domain/labels.ts';
import type { Ticket, TicketEvent } from '../../domain/ticket.ts';
import { STRINGS } from './strings.ts';

export class TicketViews {
  constructor(private readonly directory: Directory) {}

  date(d: Date | null, locale: Locale): string {
    return d === null ? '—' : dualDate(d, locale, this.directory.policy.timezone).text;
  }

  /** "متبقٍّ 5 ساعات" / "5 hours left", or how long it is overdue. */
  sla(due: Date | null, now: Date, locale: Locale): { sla: string; dueIso: string; overdue: boolean } | null {
    if (due === null) return null;
    const t = STRINGS[locale];
    const ms = due.getTime() - now.getTime();
    const d = durationText(ms, locale);
    const sla = ms < 0 ? `${t.late} ${d}` : locale === 'ar' ? `${t.left} ${d}` : `${d} ${t.left}`;
    return { sla, dueIso: due.toISOString(), overdue: ms < 0 };
  }

  private common(t: { status: Ticket['status']; level: number; priority: string; departmentKey: string | null; ownerEmail: string | null }, locale: Locale) {
    const s = STRINGS[locale];
    return {
      statusText: s[t.status],
      department: this.directory.department(t.departmentKey)?.name[locale] ?? s.triage,
      priority: priorityOf(this.directory.policy, t.priority).name[locale],
      level: t.level,
      levelText: `${s.levelN} ${t.level}`,
      owner: t.ownerEmail === null ? '' : this.directory.recipient(t.ownerEmail).name,
    };
  }

  listed(r: ListedTicket, now: Date, locale: Locale): Record<string, unknown> {
    return {
      ref: r.ref, subject: r.subject, status: r.status, created: this.date(r.created_at, locale),
      ...this.common({ status: r.status, level: r.level, priority: r.priority, departmentKey: r.department_key, ownerEmail: r.owner_email }, locale),
      ...(r.status === 'resolved' ? {} : this.sla(r.due_at, now, locale)),
    };
  }

  emailLine(e: SentEmail, locale: Locale): Record<string, unknown> {
    return {
      template: e.template, to: e.to_email, status: e.status, statusText: STRINGS[locale].st[e.status], attempts: e.attempts,
      sent: this.date(e.sent_at, locale), lastError: e.last_error ?? '',
      next: e.status === 'retrying' && e.next_attempt_at !== null ? this.date(e.next_attempt_at, locale) : '',
    };
  }

  page(ticket: Ticket, data: TicketPageData, due: Date | null, now: Date, locale: Locale): Record<string, unknown> {
    const s = STRINGS[locale];
    const originator = ticket.originatorName === '' ? ticket.originatorEmail : `${ticket.originatorName} <${ticket.originatorEmail}>`;
    const body = (e: { kind: string; data: Record<string, unknown> }): string => {
      const d = e.data;
      const pick = (k: string): string => (typeof d[k] === 'string' ? d[k] : '');
      if (e.kind === 'reply' || e.kind === 'note') return pick('text');
      if (e.kind === 'resolved') return [pick('prevention'), pick('comment')].filter((x) => x !== '').join('\n');
      if (e.kind === 'contacted') return pick('message');
      if (e.kind === 'command_refused' && locale === 'ar') return pick('reasonAr');
      return '';
    };
    return {
      ticket: {
        ref: ticket.ref, subject: ticket.subject, description: ticket.description, status: ticket.status, originator,
        created: this.date(ticket.createdAt, locale), plan: ticket.actionPlan ?? '', rootCause: ticket.rootCause ?? '',
        prevention: ticket.preventiveMeasure ?? '',
        customer: ticket.customerEmail === null ? '' : [ticket.customerEmail, ticket.customerDirection ?? ''].filter((x) => x !== '').join(' — '),
        ...this.common(ticket, locale),
        owner: ticket.ownerEmail === null ? '—' : this.directory.recipient(ticket.ownerEmail).name,
        ...(ticket.status === 'resolved' ? {} : this.sla(due, now, locale)),
      },
      events: data.events.map((e) => {
        const ev: TicketEvent = { id: e.id, ticketId: ticket.id, kind: e.kind as TicketEvent['kind'], actor: e.actor, data: e.data, createdAt: e.created_at };
        return {
          at: this.date(e.created_at, locale), text: describeEvent(ev, locale), body: body(e),
          via: e.source === 'web' ? s.viaWeb : e.inbound_id !== null ? s.viaEmail : '',
        };
      }),
      emails: data.emails.map((e) => this.emailLine(e, locale)),
      timers: data.timers.map((x) => ({
        kind: (s.timerKind as Record<string, string>)[x.kind] ?? x.kind, level: x.level, due: this.date(x.due_at, locale),
        status: (s.st as Record<string, string>)[x.status] ?? x.status,
      })),
      attachments: data.attachments.map((a) => ({
        id: a.id, filename: a.filename, type: a.content_type, size: a.size, stored: a.stored, skipped: a.skipped_reason ?? '',
      })),
    };
  }
}
