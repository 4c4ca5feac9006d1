/**
 * Which tickets a person sees on the web desk: the Core group, the General Manager, the Customer Service manager
 * and quality assurance see every ticket; a head sees their department's; anyone sees the tickets they sent or own.
 */
import type { Directory } from './directory.ts';

export type DeskScope =
  | { kind: 'all' }
  | { kind: 'limited'; email: string; departments: readonly string[] };

export function deskScope(directory: Directory, email: string): DeskScope {
  const e = email.toLowerCase();
  const p = directory.policy;
  if (p.core.members.includes(e) || Object.values(p.roles).includes(e)) return { kind: 'all' };
  return { kind: 'limited', email: e, departments: p.departments.filter((d) => d.head === e).map((d) => d.key) };
}

export function canSee(scope: DeskScope, t: { departmentKey: string | null; originatorEmail: string; ownerEmail: string | null }): boolean {
  if (scope.kind === 'all') return true;
  return t.originatorEmail === scope.email || t.ownerEmail === scope.email
    || (t.departmentKey !== null && scope.departments.includes(t.departmentKey));
}

/** True for the Core group (the only people who may retry quarantined mail). */
export function isCore(directory: Directory, email: string): boolean {
  return directory.policy.core.members.includes(email.toLowerCase());
}

/** Anyone the policy knows (a person, a Core member or a role holder) may ask for a sign-in link. */
export function mayUseDesk(directory: Directory, email: string): boolean {
  const e = email.toLowerCase();
  return directory.person(e) !== undefined || isCore(directory, e) || Object.values(directory.policy.roles).includes(e);
}
