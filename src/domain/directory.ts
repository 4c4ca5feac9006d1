/** Answers "who is this?" and "who should hear about this?" from the policy. */
import type { Actor, Audience, Department, Person, Policy } from './policy.ts';
import type { Locale } from './dates.ts';

export interface Recipient {
  email: string;
  name: string;
  locale: Locale;
}

/** The ticket a recipient list is for (its department head and owner), or none. */
export interface TicketScope {
  departmentKey: string | null;
  ownerEmail: string | null;
}

export const NO_TICKET: TicketScope = { departmentKey: null, ownerEmail: null };

export class Directory {
  private readonly people: ReadonlyMap<string, Person>;
  private readonly departments: ReadonlyMap<string, Department>;

  constructor(readonly policy: Policy) {
    // A person is found by their address or any of their aliases.
    this.people = new Map(policy.people.flatMap((p) => [p.email, ...p.aliases].map((e) => [e, p] as const)));
    this.departments = new Map(policy.departments.map((d) => [d.key, d]));
  }

  person(email: string): Person | undefined {
    return this.people.get(email.toLowerCase());
  }

  /** The person's main address when the email is one of their aliases; otherwise the address itself. */
  canonical(email: string): string {
    return this.person(email)?.email ?? email.toLowerCase();
  }

  department(key: string | null | undefined): Department | undefined {
    return key == null ? undefined : this.departments.get(key);
  }

  /** The department a sender belongs to (as head or member), if any. */
  departmentOf(email: string): Department | undefined {
    const e = email.toLowerCase();
    return this.policy.departments.find((d) => d.head === e || d.members.includes(e));
  }

  recipient(email: string): Recipient {
    const p = this.person(email);
    return p === undefined
      ? { email, name: email, locale: this.policy.locale }
      : { email: p.email, name: p.name[p.locale], locale: p.locale };
  }

  /** The email addresses an audience stands for, for a ticket (the head of its department, its owner). */
  audience(who: Audience, t: TicketScope): string[] {
    switch (who) {
      case 'core': return [...this.policy.core.members];
      case 'owner':
        if (t.ownerEmail !== null) return [t.ownerEmail];
        return this.audience('department_head', t);
      case 'department_head': {
        const d = this.department(t.departmentKey);
        return d === undefined ? [...this.policy.core.members] : [d.head];
      }
      default: return [this.policy.roles[who]];
    }
  }

  /** Recipients for a list of audiences and people (a ladder level may name people of the policy by email). */
  audiences(list: readonly string[], t: TicketScope): Recipient[] {
    const emails = [...new Set(list.flatMap((a) => (isAudience(a) ? this.audience(a, t) : [a])))];
    return emails.map((e) => this.recipient(e));
  }

  /** Every capacity in which a sender may act on a ticket. */
  actorsFor(email: string, ticket: { departmentKey: string | null; ownerEmail: string | null }): Set<Actor> {
    const e = email.toLowerCase();
    const actors = new Set<Actor>();
    if (this.department(ticket.departmentKey)?.head === e) actors.add('department_head');
    if (ticket.ownerEmail === e) actors.add('owner');
    if (this.policy.core.members.includes(e)) actors.add('core');
    if (this.policy.roles.general_manager === e) actors.add('general_manager');
    if (this.policy.roles.customer_service_manager === e) actors.add('customer_service_manager');
    if (this.policy.roles.quality_assurance === e) actors.add('quality_assurance');
    return actors;
  }
}

const AUDIENCES: readonly string[] = ['general_manager', 'customer_service_manager', 'quality_assurance', 'department_head', 'owner', 'core'];

export function isAudience(a: string): a is Audience {
  return AUDIENCES.includes(a);
}
