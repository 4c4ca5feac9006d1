import { describe, expect, it } from 'vitest';
import { firstDeadline, ladderOf, nextDeadline } from '../../src/domain/escalation-ladder.ts';
import { levelName } from '../../src/domain/labels.ts';
import { PolicyError, validatePolicy } from '../../src/domain/policy.ts';
import { testPolicy } from '../support/harness.ts';

const H = 3_600_000;
const base = testPolicy('ufuq.test', [{ after: '24h', notify: ['general_manager'] }, { after: '24h', notify: ['core'] }]);
const policy = validatePolicy({
  ...base,
  priorities: [
    { key: 'critical', name: { ar: 'حرجة', en: 'Critical' }, ladder: [{ after: '2h', notify: ['general_manager'] }, { after: '2h', notify: ['csm@ufuq.test'], name: { ar: 'الرئيس التنفيذي', en: 'the CEO' } }] },
    { key: 'normal', name: { ar: 'عادية', en: 'Normal' } },
  ],
  departments: (base.departments as Record<string, unknown>[]).map((d) => (d.key === 'finance'
    ? { ...d, ladder: [{ after: '24h', notify: ['general_manager'] }, { after: '12h', notify: ['qa@ufuq.test', 'general_manager'] }] } : d)),
});
const t0 = new Date('2026-11-23T07:00:00Z');

describe('ladders per priority and department', () => {
  it.each([
    ['critical in operations: the priority ladder', 'critical', 'operations', 'priority:critical', 2 * H],
    ['critical in finance: the priority ladder wins', 'critical', 'finance', 'priority:critical', 2 * H],
    ['normal in finance: the department ladder', 'normal', 'finance', 'department:finance', 24 * H],
    ['normal in operations: the default ladder', 'normal', 'operations', 'default', 24 * H],
    ['triage: the default ladder', 'normal', null, 'default', 24 * H],
  ] as const)('%s', (_n, priority, departmentKey, source, first) => {
    const t = { priority, departmentKey };
    expect(ladderOf(policy, t).source).toBe(source);
    expect(firstDeadline(policy, t, t0).dueAt.getTime() - t0.getTime()).toBe(first);
  });

  it('plans each next level from its own ladder, and names people by their names', () => {
    expect(nextDeadline(policy, { priority: 'critical', departmentKey: 'operations' }, 1, t0)?.dueAt.getTime()).toBe(t0.getTime() + 2 * H);
    expect(nextDeadline(policy, { priority: 'normal', departmentKey: 'finance' }, 1, t0)?.dueAt.getTime()).toBe(t0.getTime() + 12 * H);
    expect(nextDeadline(policy, { priority: 'critical', departmentKey: 'operations' }, 2, t0)).toBeUndefined();
    const finance2 = ladderOf(policy, { priority: 'normal', departmentKey: 'finance' }).levels[1];
    expect(levelName(finance2, 'ar', policy.people)).toBe('ضمان الجودة والمدير العام');
    expect(levelName(ladderOf(policy, { priority: 'critical', departmentKey: null }).levels[1], 'en', policy.people)).toBe('the CEO');
  });

  it('refuses a ladder that names someone who is not in the policy, with the path', () => {
    const bad = { ...base, priorities: [{ key: 'normal', name: { ar: 'عادية', en: 'Normal' }, ladder: [{ after: '1h', notify: ['ceo@ufuq.test'] }] }] };
    expect(() => validatePolicy(bad)).toThrow(PolicyError);
    expect(() => validatePolicy(bad)).toThrow(/priorities\[0\]\.ladder\[0\]\.notify\[0\]: ceo@ufuq.test is not listed under people/);
  });
});
