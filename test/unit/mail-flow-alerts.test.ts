import { describe, expect, test } from 'vitest';
import { mailFlowFindings, type MailFlowFacts } from '../../src/domain/mail-flow-alerts.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { testPolicy } from '../support/harness.ts';

const policy = validatePolicy(testPolicy('x.test', [{ after: '24h', notify: ['general_manager'] }])).alerts;
const at = new Date('2026-12-01T10:00:00Z');
const ago = (ms: number): Date => new Date(at.getTime() - ms);
const MIN = 60_000;
const calm: MailFlowFacts = {
  now: at, listener: { connected: true, changedAt: ago(60 * MIN), heartbeatAt: ago(1000), lastError: null }, listenerStaleMs: 15_000,
  oldestRetryingAt: null, failedWithinWindow: 0, oldestOverdueDueAt: null, bounces: { sent: 100, bounced: 1 },
};
const active = (f: Partial<MailFlowFacts>): string[] => mailFlowFindings(policy, { ...calm, ...f }).filter((x) => x.active).map((x) => x.kind);

describe('mail-flow findings (defaults: IMAP 5m, retrying 15m, overdue 10m, bounces 20 % of at least 10)', () => {
  test.each<[string, Partial<MailFlowFacts>, string[]]>([
    ['all calm', {}, []],
    ['listener down 4 minutes', { listener: { connected: false, changedAt: ago(4 * MIN), heartbeatAt: ago(1000), lastError: 'x' } }, []],
    ['listener down 6 minutes', { listener: { connected: false, changedAt: ago(6 * MIN), heartbeatAt: ago(1000), lastError: 'x' } }, ['imap_down']],
    ['no holder reporting for 6 minutes', { listener: { connected: true, changedAt: ago(60 * MIN), heartbeatAt: ago(6 * MIN), lastError: null } }, ['imap_down']],
    ['never listened yet', { listener: undefined }, []],
    ['retrying 14 minutes', { oldestRetryingAt: ago(14 * MIN) }, []],
    ['retrying 16 minutes', { oldestRetryingAt: ago(16 * MIN) }, ['outbox_retrying']],
    ['one email failed for good', { failedWithinWindow: 1 }, ['outbox_failed']],
    ['a deadline 11 minutes overdue', { oldestOverdueDueAt: ago(11 * MIN) }, ['timers_overdue']],
    ['a deadline 9 minutes overdue', { oldestOverdueDueAt: ago(9 * MIN) }, []],
    ['30 % bounced of 20', { bounces: { sent: 20, bounced: 6 } }, ['bounce_rate']],
    ['50 % bounced of 4 (too few to judge)', { bounces: { sent: 4, bounced: 2 } }, []],
  ])('%s', (_name, facts, expected) => {
    expect(active(facts)).toEqual(expected);
  });

  test('the policy section has defaults and takes its own thresholds', () => {
    expect(policy.recipients).toEqual(['core']);
    const own = validatePolicy({ ...testPolicy('x.test', [{ after: '24h', notify: ['general_manager'] }]), alerts: { imap_down_after: '2m', recipients: ['general_manager'] } }).alerts;
    expect(own.imap_down_after).toBe(2 * MIN);
    expect(own.recipients).toEqual(['general_manager']);
    expect(() => validatePolicy({ ...testPolicy('x.test', [{ after: '24h', notify: ['general_manager'] }]), alerts: { imap_down_after: 'soon' } }))
      .toThrow(/alerts\.imap_down_after/);
  });
});
