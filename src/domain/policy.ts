/**
 * The organisation's rules (the policy file), validated with path-precise errors.
 * Loading the YAML is an adapter's job; this file only says what a valid policy is.
 */
import { z } from 'zod';
import { TasaeedError } from '../errors.ts';
import { escalationRules } from './policy-escalation.ts';
import { actor, audience, email, localized, ROLE_NAMES } from './policy-types.ts';
import { attachmentsPolicySchema } from './copy-attachments.ts';
import { coreAsHeadProblem } from './hidden-core-group.ts';
import { holdPolicySchema } from './hold-policy.ts';
import { ladderLevelSchema, ladderSchema } from './ladder-policy.ts';
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
  /** Its own escalation ladder (e.g. legal: its own second level); a priority's ladder comes first. */
  ladder: ladderSchema.optional(),
}).strict();

const policySchema = z.object({
  organisation: z.object({ name: localized, domain: z.string().min(3) }).strict(),
  timezone: z.string().default('Asia/Riyadh').refine(isTimeZone, 'unknown IANA timezone'),
  locale: z.enum(['ar', 'en']).default('ar'),
  core: z.object({
    mailbox: email,
    name: localized,
    members: z.array(email).min(1, 'the Core group needs at least one member to receive triage and reports'),
    /** Other addresses that deliver into the Core mailbox: mail to them is Core mail, mail from them is our own. */
    aliases: z.array(email).default([]),
  }).strict(),
  people: z.array(person).min(1),
  roles: z.object({
    general_manager: email,
    customer_service_manager: email,
    quality_assurance: email,
  }).strict(),
  departments: z.array(department).min(1),
  ladder: z.array(ladderLevelSchema).min(1, 'the escalation ladder needs at least one level (24h → General Manager)'),
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
    hold: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'core']),
    resume: z.array(actor).min(1).default(['department_head', 'owner', 'general_manager', 'core']),
  }).strict().prefault({}),
  ...escalationRules,
  attachments: attachmentsPolicySchema,
  reports: reportsSchema(audience),
  inbound: inboundPolicySchema,
  hold: holdPolicySchema,
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

export class PolicyError extends TasaeedError {
  constructor(readonly problems: readonly string[], source: string) {
    super('POLICY_INVALID', `POLICY_FILE: ${source}: the policy is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { setting: 'POLICY_FILE' });
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
  p.core.aliases.forEach((a, i) => {
    if (a === p.core.mailbox) problems.push(`core.aliases[${i}]: ${a} is the Core mailbox itself`);
    else if (seen.has(a)) problems.push(`core.aliases[${i}]: ${a} is a person's address; the Core mailbox's aliases are not people`);
    seen.add(a);
  });
  p.core.members.forEach((m, i) => { need(m, `core.members[${i}]`); });
  for (const r of ROLE_NAMES) need(p.roles[r], `roles.${r}`);
  const keys = new Set<string>();
  p.departments.forEach((d, i) => {
    if (keys.has(d.key)) problems.push(`departments[${i}].key: "${d.key}" is used twice`);
    keys.add(d.key);
    need(d.head, `departments[${i}].head`);
    const coreHead = coreAsHeadProblem(p, i);
    if (coreHead !== undefined) problems.push(coreHead);
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
  const ladders = [
    { at: 'ladder', levels: p.ladder },
    ...p.priorities.map((x, i) => ({ at: `priorities[${i}].ladder`, levels: x.ladder ?? [] })),
    ...p.departments.map((x, i) => ({ at: `departments[${i}].ladder`, levels: x.ladder ?? [] })),
  ];
  for (const { at, levels } of ladders) {
    levels.forEach((l, i) => { l.notify.forEach((n, j) => { if (n.includes('@')) need(n, `${at}[${i}].notify[${j}]`); }); });
  }
  return problems;
}

/**
 * The cross-reference problems of a policy that also has schema errors, so one run reports every error: the list
 * items with schema errors are left out (and the indexes in the messages mapped back), optional fields with errors
 * fall back to their defaults. Empty when what is left still does not parse.
 */
function crossCheckDespite(input: unknown, issues: readonly { path: readonly PropertyKey[] }[]): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const dropped = new Map<string, Set<number>>();
  for (const { path } of issues) {
    const [key, index] = path;
    if (typeof key !== 'string') return [];
    if (typeof index === 'number' && Array.isArray(copy[key])) dropped.set(key, (dropped.get(key) ?? new Set()).add(index));
    else copy[key] = undefined; // a default applies, or the parse below says it cannot
  }
  const kept = new Map<string, number[]>();
  for (const [key, gone] of dropped) {
    const list = copy[key] as unknown[];
    kept.set(key, list.map((_, i) => i).filter((i) => !gone.has(i)));
    copy[key] = list.filter((_, i) => !gone.has(i));
  }
  const again = policySchema.safeParse(copy);
  if (!again.success) return [];
  return crossCheck(again.data).map((m) => m.replace(/^(\w+)\[(\d+)\]/, (all, key: string, i: string) => {
    const original = kept.get(key)?.[Number(i)];
    return original === undefined ? all : `${key}[${String(original)}]`;
  }));
}

export function validatePolicy(input: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    throw new PolicyError([...parsed.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`), ...crossCheckDespite(input, parsed.error.issues)], source);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new PolicyError(problems, source);
  return Object.freeze(parsed.data);
}

/** The Core mailbox and its aliases: mail to any of them is Core mail, mail from any of them is our own. */
export function coreAddresses(p: Pick<Policy, 'core'>): readonly string[] {
  return [p.core.mailbox, ...p.core.aliases];
}
