/** Finds the department or person a command names (key, Arabic or English name, or email address). */
import { containsPhrase, normalizeForMatch } from '../domain/arabic-text.ts';
import type { Department, Person, Policy, Priority } from '../domain/policy.ts';

const named = (text: string, names: readonly string[]): boolean => {
  const t = normalizeForMatch(text).trim();
  return t !== '' && names.some((n) => normalizeForMatch(n) === t || containsPhrase(t, n));
};

export function findDepartment(policy: Policy, text: string): Department | undefined {
  return policy.departments.find((d) => named(text, [d.key, d.name.ar, d.name.en]));
}

export function findPriority(policy: Policy, text: string): Priority | undefined {
  return policy.priorities.find((p) => named(text, [p.key, p.name.ar, p.name.en]));
}

export function findPerson(policy: Policy, text: string): Person | undefined {
  const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(text)?.[0]?.toLowerCase();
  if (email !== undefined) return policy.people.find((p) => p.email === email);
  return policy.people.find((p) => named(text, [p.name.ar, p.name.en]));
}

/** True when the text names the hidden Core group, its mailbox or one of its members (policy 000, item 9). */
export function namesCore(policy: Policy, text: string): boolean {
  const t = normalizeForMatch(text);
  if (t.includes(policy.core.mailbox) || named(text, [policy.core.name.ar, policy.core.name.en, 'الكور', 'core'])) return true;
  const person = findPerson(policy, text);
  return person !== undefined && policy.core.members.includes(person.email);
}
