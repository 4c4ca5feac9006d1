/**
 * The organisation's rules (the policy file), validated with path-precise errors.
 * Loading the YAML is an adapter's job; this file only says what a valid policy is.
 */
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { reportsSchema } from './report-policy.ts';

const email = z.email().transform((s) => s.toLowerCase());
const localized = z.object({ ar: z.string().min(1), en: z.string().min(1) }).strict();
const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (use e.g. 24h, 90m, 30s, 2d)` });
    return z.NEVER;
  }
  return ms;
});

export const ROLE_NAMES = ['general_manager', 'customer_service_manager', 'quality_assurance'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
/** Who can be named in a ladder level or report: a role, the department head, or the hidden Core group. */
const audience = z.enum(['general_manager', 'customer_service_manager', 'quality_assurance', 'department_head', 'core']);
export type Audience = z.infer<typeof audience>;

export const COMMANDS = ['resolve', 'note', 'route'] as const;
export type CommandName = (typeof COMMANDS)[number];
/** Senders allowed to use a command: the department head, the owner, a role, or the Core group. */
const actor = z.enum(['department_head', 'owner', 'general_manager', 'customer_service_manager', 'quality_assurance', 'core']);
export type Actor = z.infer<typeof actor>;

const person = z.object({
  email,
  name: localized,
  locale: z.enum(['ar', 'en']).default('ar'),
}).strict();

const department = z.object({
  key: z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lowercase letters, digits and dashes (it is used in core+KEY@ addresses)'),
  name: localized,
  head: email,
  members: z.array(email).default([]),
  keywords: z.array(z.string().min(2)).default([]),
}).strict();

const ladderLevel = z.object({
  after: duration,
  notify: z.array(audience).min(1),
  name: localized.optional(),
}).strict();

const policySchema = z.object({
  organisation: z.object({ name: localized, domain: z.string().min(3) }).strict(),
  timezone: z.string().default('Asia/Riyadh').refine(isTimeZone, 'unknown IANA timezone'),
  locale: z.enum(['ar', 'en']).default('ar'),
  core: z.object({
    mailbox: email,
    name: localized,
    members: z.array(email).min(1, 'the Core group needs at least one member to receive triage and reports'),
  }).strict(),
  people: z.array(person).min(1),
  roles: z.object({
    general_manager: email,
    customer_service_manager: email,
    quality_assurance: email,
  }).strict(),
  departments: z.array(department).min(1),
  ladder: z.array(ladderLevel).min(1, 'the escalation ladder needs at least one level (24h → General Manager)'),
  commands: z.object({
    resolve: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'core']),
    note: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'customer_service_manager', 'quality_assurance', 'core']),
    route: z.array(actor).min(1).default(['core']),
  }).strict().prefault({}),
  reports: reportsSchema(audience),
}).strict();

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type Policy = z.output<typeof policySchema>;
export type Person = Policy['people'][number];
export type Department = Policy['departments'][number];
export type LadderLevel = Policy['ladder'][number];
export type ReportsPolicy = Policy['reports'];

export class PolicyError extends Error {
  readonly code = 'POLICY_INVALID';
  constructor(readonly problems: readonly string[], source: string) {
    super(`${source}: the policy is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) =>
    typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? String(part) : `${acc}.${String(part)}`, '') || '(root)';
}

/** Cross-references that a schema alone cannot express, each with the path of the bad field. */
function crossCheck(p: Policy): string[] {
  const problems: string[] = [];
  const known = new Set(p.people.map((x) => x.email));
  const need = (addr: string, at: string): void => {
    if (!known.has(addr)) problems.push(`${at}: ${addr} is not listed under people`);
  };
  const seen = new Set<string>();
  p.people.forEach((x, i) => {
    if (seen.has(x.email)) problems.push(`people[${i}].email: ${x.email} is listed twice`);
    seen.add(x.email);
    if (x.email === p.core.mailbox) problems.push(`people[${i}].email: the Core mailbox is not a person`);
  });
  p.core.members.forEach((m, i) => { need(m, `core.members[${i}]`); });
  for (const r of ROLE_NAMES) need(p.roles[r], `roles.${r}`);
  const keys = new Set<string>();
  p.departments.forEach((d, i) => {
    if (keys.has(d.key)) problems.push(`departments[${i}].key: "${d.key}" is used twice`);
    keys.add(d.key);
    need(d.head, `departments[${i}].head`);
    if (d.head === p.core.mailbox) {
      problems.push(`departments[${i}].head: the hidden Core group can never be assigned tickets (policy 000, item 9)`);
    }
    d.members.forEach((m, j) => { need(m, `departments[${i}].members[${j}]`); });
  });
  return problems;
}

export function validatePolicy(input: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    throw new PolicyError(parsed.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`), source);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new PolicyError(problems, source);
  return Object.freeze(parsed.data);
}
