/** Facts read from the text of a new escalation: its priority (by keywords) and the customer's contact and direction. */
import { containsPhrase, normalizeForMatch } from './arabic-text.ts';
import type { Policy } from './policy.ts';

/** The first priority (in policy order, most urgent first) whose keyword appears; otherwise the default. */
export function detectPriority(policy: Policy, subject: string, text: string): { key: string; matched: string | null } {
  const all = normalizeForMatch(`${subject}\n${text}`);
  for (const p of policy.priorities) {
    const hit = p.keywords.find((k) => containsPhrase(all, k));
    if (hit !== undefined) return { key: p.key, matched: hit };
  }
  return { key: policy.default_priority, matched: null };
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const CUSTOMER = /^\s*(بريد العميل|ايميل العميل|إيميل العميل|العميل|customer e-?mail|customer)\s*[:：]\s*(.+)$/im;
const DIRECTION = /^\s*(رغبة العميل|توجيه العميل|طلب العميل|customer direction|customer wants)\s*[:：]\s*(.+)$/im;

export interface CustomerFacts {
  email: string | null;
  direction: string | null;
}

export function customerFacts(text: string): CustomerFacts {
  const line = CUSTOMER.exec(text)?.[2] ?? '';
  const email = EMAIL.exec(line)?.[0]?.toLowerCase() ?? null;
  const direction = DIRECTION.exec(text)?.[2]?.trim() ?? null;
  return { email, direction: direction === '' ? null : direction };
}
