import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCommand } from '../../src/domain/commands.ts';
import { csrfMatches, csrfToken, deriveKey } from '../../src/domain/desk-token.ts';
import { canSee, deskScope, mayUseDesk } from '../../src/domain/desk-visibility.ts';
import { Directory } from '../../src/domain/directory.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { actionForms, commandOf } from '../../src/entry/desk/action-forms.ts';
import type { Ticket } from '../../src/domain/ticket.ts';

const directory = new Directory(validatePolicy(parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>));
const u = (local: string): string => `${local}@ufuq.test`;
const ticket = (o: Partial<Ticket>): Ticket => ({
  id: 1, ref: 'T-000001', subject: 's', description: 'd', departmentKey: 'finance', routedVia: 'subject', status: 'open', level: 0,
  originatorEmail: u('clerk.ops'), originatorName: '', ownerEmail: null, rootCause: null, preventiveMeasure: null, threadMessageId: null,
  priority: 'normal', actionPlan: null, customerEmail: null, customerDirection: null, createdAt: new Date(0), updatedAt: new Date(0), resolvedAt: null,
  hold: null, heldMs: 0,
  ...o,
});

describe('who sees which ticket on the desk', () => {
  const finance = ticket({ departmentKey: 'finance', originatorEmail: u('agent.cs') });
  it.each([
    ['noura.core', true, 'the Core group sees everything'],
    ['gm', true, 'the General Manager sees everything'],
    ['cs.manager', true, 'the Customer Service manager sees everything'],
    ['qa', true, 'quality assurance sees everything'],
    ['head.finance', true, 'the head sees their department'],
    ['head.ops', false, 'another head does not'],
    ['agent.cs', true, 'the sender sees what they sent'],
    ['clerk.ops', false, 'someone else does not'],
  ])('%s: %s (%s)', (local, sees) => {
    expect(canSee(deskScope(directory, u(local)), finance)).toBe(sees);
  });

  it('lets an owner see the ticket given to them', () => {
    expect(canSee(deskScope(directory, u('clerk.ops')), { ...finance, ownerEmail: u('clerk.ops') })).toBe(true);
  });

  it('offers sign-in to people of the policy only', () => {
    expect(mayUseDesk(directory, u('head.ops'))).toBe(true);
    expect(mayUseDesk(directory, 'HEAD.OPS@ufuq.test')).toBe(true);
    expect(mayUseDesk(directory, 'someone@elsewhere.test')).toBe(false);
  });
});

describe('desk forms are the email commands', () => {
  it.each([
    ['resolve', { rootCause: 'تأخر المورد', prevention: 'مورد بديل', comment: '' }, '#حل\nالسبب: تأخر المورد\nالإجراء الوقائي: مورد بديل'],
    ['contact', { arg: 'المالية', text: 'نحتاج ردكم اليوم' }, '#تواصل المالية\nنحتاج ردكم اليوم'],
    ['customer', { arg: 'client@example.com', text: 'التسليم قبل الخميس' }, '#عميل client@example.com\nالتسليم قبل الخميس'],
    ['assign', { arg: 'head.ops@ufuq.test' }, '#تعيين head.ops@ufuq.test'],
    ['deadline', { arg: '48h' }, '#موعد 48h'],
    ['note', { text: 'سطر أول\nسطر ثانٍ' }, '#ملاحظة سطر أول\nسطر ثانٍ'],
    ['escalate', { text: 'لا رد منذ يومين' }, '#تصعيد لا رد منذ يومين'],
    ['hold', { text: 'بانتظار رد المورد', until: '3 أيام' }, '#انتظار بانتظار رد المورد حتى 3 أيام'],
    ['hold', { text: 'بانتظار رد المورد', until: '' }, '#انتظار بانتظار رد المورد'],
    ['resume', {}, '#استئناف'],
  ] as const)('%s from the form parses as the email command', (action, body, email) => {
    expect(commandOf(action, body)).toEqual(parseCommand(email));
  });

  it('offers only the forms the role allows, and only a note on a resolved ticket', () => {
    const names = (email: string, t: Ticket): string[] => actionForms(directory, t, email, 'ar').map((f) => f.name);
    expect(names(u('head.finance'), ticket({}))).toContain('resolve');
    expect(names(u('head.finance'), ticket({}))).not.toContain('contact');
    expect(names(u('clerk.ops'), ticket({}))).toEqual([]);
    expect(names(u('noura.core'), ticket({ status: 'resolved' }))).toEqual(['note']);
    expect(names(u('noura.core'), ticket({ status: 'triage', departmentKey: null }))).toContain('route');
    expect(names(u('noura.core'), ticket({}))).toContain('hold');
    expect(names(u('noura.core'), ticket({}))).not.toContain('resume');
    expect(names(u('noura.core'), ticket({ status: 'on_hold' }))).toContain('resume');
    expect(names(u('noura.core'), ticket({ status: 'on_hold' }))).not.toContain('hold');
  });
});

describe('CSRF tokens', () => {
  it('match only the cookie they were made for', () => {
    const key = deriveKey('x'.repeat(32), 'csrf');
    const token = csrfToken(key, 'cookie-a');
    expect(csrfMatches(key, 'cookie-a', token)).toBe(true);
    expect(csrfMatches(key, 'cookie-b', token)).toBe(false);
    expect(csrfMatches(key, 'cookie-a', undefined)).toBe(false);
    expect(csrfMatches(deriveKey('y'.repeat(32), 'csrf'), 'cookie-a', token)).toBe(false);
  });
});
