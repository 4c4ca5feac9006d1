/**
 * The organisation's rules (the policy file), validated with path-precise errors.
 * Loading the YAML is an adapter's job; this file only says what a valid policy is.
 */
import { z } from 'zod';
import { escalationRules } from './policy-escalation.ts';
import { actor, audience, duration, email, localized, ROLE_NAMES } from './policy-types.ts';
import { inboundPolicySchema } from './inbound-policy.ts';
import { reportsSchema } from './report-policy.ts';
import { alertsSchema } from './alert-policy.ts';

export { COMMANDS, ROLE_NAMES, type Actor, type Audience, type CommandName, type RoleName } from './policy-types.ts';

const person = z.object({
  email,
  name: localized,
  locale: z.enum(['ar', 'en']).default('ar'),
  /** Other addresses the same person writes from (a personal or second work address). */
  aliases: z.array(email).default([]),
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
    priority: z.array(actor).min(1).default(['department_head', 'general_manager', 'core']),
    assign: z.array(actor).min(1).default(['department_head', 'general_manager', 'core']),
    plan: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'core']),
    deadline: z.array(actor).min(1).default(['department_head', 'general_manager', 'core']),
    escalate: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'customer_service_manager', 'core']),
    policy: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'customer_service_manager', 'quality_assurance', 'core']),
    contact: z.array(actor).min(1).default(['general_manager', 'core']),
    customer: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'core']),
  }).strict().prefault({}),
  ...escalationRules,
  reports: reportsSchema(audience),
  inbound: inboundPolicySchema,
  alerts: alertsSchema(audience),
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
export type Priority = Policy['priorities'][number];
export type ReportsPolicy = Policy['reports'];
export type AlertsPolicy = Policy['alerts'];

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
  p.people.forEach((x, i) => {
    x.aliases.forEach((a, j) => {
      if (seen.has(a)) problems.push(`people[${i}].aliases[${j}]: ${a} is already used by someone in people`);
      if (a === p.core.mailbox) problems.push(`people[${i}].aliases[${j}]: the Core mailbox is not a person`);
      seen.add(a);
    });
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
  const priorityKeys = p.priorities.map((x) => x.key);
  if (!priorityKeys.includes(p.default_priority)) {
    problems.push(`default_priority: "${p.default_priority}" is not one of the priorities (${priorityKeys.join(', ')})`);
  }
  if (new Set(priorityKeys).size !== priorityKeys.length) problems.push('priorities: a key is used twice');
  if (p.calendar.hours.end <= p.calendar.hours.start) problems.push('calendar.hours.end: must be after calendar.hours.start');
  if (p.deadline_bounds.max < p.deadline_bounds.min) problems.push('deadline_bounds.max: must not be below deadline_bounds.min');
  if (p.review.owner !== undefined) need(p.review.owner, 'review.owner');
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
