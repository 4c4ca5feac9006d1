import { describe, expect, it } from 'vitest';
import { coreAsHeadProblem, namesCore } from '../../src/domain/hidden-core-group.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { testPolicy } from '../support/harness.ts';

const policy = validatePolicy(testPolicy('ufuq.test', [{ after: '24h', notify: ['general_manager'] }]));

describe('the hidden Core group is never assignable', () => {
  it.each([
    ['الكور', true], ['core', true], ['core@ufuq.test', true], ['مجموعة الكور', true],
    ['desk@ufuq.test', true], ['موظف الكور', true], ['Core desk', true],
    ['clerk@ufuq.test', false], ['تركي البقمي', false], ['', false],
  ])('%j → %s', (text, expected) => {
    expect(namesCore(policy, text)).toBe(expected);
  });

  it('refuses the Core mailbox as a department head, with the path', () => {
    const bad = { ...policy, departments: [{ ...policy.departments[0]!, head: 'core@ufuq.test' }] };
    expect(coreAsHeadProblem(bad, 0)).toMatch(/^departments\[0\]\.head: the hidden Core group/);
    expect(coreAsHeadProblem(policy, 0)).toBeUndefined();
  });
});
