/** Finds the department an escalation is for: plus address, then a name in the subject, then keyword rules. */
import { containsPhrase, normalizeForMatch } from './arabic-text.ts';
import { coreAddresses, type Department, type Policy } from './policy.ts';
import { plusDetail } from './reply-token.ts';

export type RouteVia = 'plus_address' | 'subject' | 'keyword';

export interface Route {
  departmentKey: string;
  via: RouteVia;
  matched: string;
}

function byName(departments: readonly Department[], text: string): { d: Department; matched: string } | undefined {
  for (const d of departments) {
    for (const name of [d.name.ar, d.name.en, d.key]) {
      if (containsPhrase(text, name)) return { d, matched: name };
    }
  }
  return undefined;
}

export function routeMail(
  policy: Policy,
  mail: { recipients: readonly string[]; subject: string; text: string },
): Route | undefined {
  const detail = plusDetail(coreAddresses(policy), mail.recipients);
  if (detail !== undefined) {
    const d = policy.departments.find((x) => x.key === detail)
      ?? byName(policy.departments, normalizeForMatch(detail))?.d;
    if (d !== undefined) return { departmentKey: d.key, via: 'plus_address', matched: detail };
  }
  const subject = normalizeForMatch(mail.subject);
  const bracketed = [...subject.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] ?? '').join(' ');
  const named = byName(policy.departments, bracketed) ?? byName(policy.departments, subject);
  if (named !== undefined) return { departmentKey: named.d.key, via: 'subject', matched: named.matched };
  const all = `${subject}\n${normalizeForMatch(mail.text)}`;
  for (const d of policy.departments) {
    const hit = d.keywords.find((k) => containsPhrase(all, k));
    if (hit !== undefined) return { departmentKey: d.key, via: 'keyword', matched: hit };
  }
  return undefined;
}
