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
