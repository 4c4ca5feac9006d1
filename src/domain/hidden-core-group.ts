/**
 * The hidden Core group (ticket-system policy, item 9): it receives escalations and reports, but a ticket can never be
 * assigned to it — not to its mailbox, its name, nor one of its members — and it can never head a department.
 */
import { containsPhrase, normalizeForMatch } from './arabic-text.ts';
import type { Policy } from './policy.ts';

/** True when the text names the Core group, its mailbox or one of its members (by address or name). */
export function namesCore(policy: Policy, text: string): boolean {
  const t = normalizeForMatch(text).trim();
  if (t === '') return false;
  const named = (names: readonly string[]): boolean => names.some((n) => normalizeForMatch(n) === t || containsPhrase(t, n));
  if ([policy.core.mailbox, ...policy.core.aliases].some((a) => t.includes(a)) || named([policy.core.name.ar, policy.core.name.en, 'الكور', 'core'])) return true;
  const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*/.exec(text)?.[0]?.toLowerCase();
  const person = email !== undefined
    ? policy.people.find((p) => p.email === email)
    : policy.people.find((p) => named([p.name.ar, p.name.en]));
  return person !== undefined && policy.core.members.includes(person.email);
}

/** Why #تعيين to the Core group is refused, in both languages. */
export const CORE_NOT_ASSIGNABLE = {
  ar: 'مجموعة إدارة نظام التذاكر (الكور) مجموعة خفية لا تُسند إليها التذاكر؛ هي تستلم التصعيد فقط (سياسة إدارة نظام التذاكر، البند 9). اختاروا شخصاً من الإدارة المعنية.',
  en: 'the Core ticket-management group is hidden: tickets can never be assigned to it, it only receives escalations (ticket-system policy, item 9). Choose a person in the department concerned.',
} as const;

/** The policy problem when the Core mailbox is named a department's head, or undefined. */
export function coreAsHeadProblem(policy: Policy, index: number): string | undefined {
  return policy.departments[index]?.head === policy.core.mailbox
    ? `departments[${index}].head: the hidden Core group can never be assigned tickets (policy 000, item 9)`
    : undefined;
}
