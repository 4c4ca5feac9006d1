import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addDays, dualDate, localDate, startOfLocalDay } from '../../src/domain/dates.ts';
import { parseDuration } from '../../src/domain/duration.ts';
import { firstDeadline, nextDeadline } from '../../src/domain/escalation-ladder.ts';
import { durationText } from '../../src/domain/labels.ts';
import { PolicyError, validatePolicy } from '../../src/domain/policy.ts';
import { findReplyToken, plusDetail, replyAddress, verifyReplyToken } from '../../src/domain/reply-token.ts';
import { routeMail } from '../../src/domain/routing.ts';

const example = (): Record<string, unknown> => parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;
const policy = validatePolicy(example());

describe('policy validation', () => {
  it('accepts the shipped example', () => {
    expect(policy.departments.map((d) => d.key)).toContain('finance');
    expect(policy.ladder[0]?.after).toBe(24 * 3_600_000);
  });

  it('names the exact path of every bad field in one run, schema and cross-reference errors alike', () => {
    const bad = example();
    (bad.departments as Record<string, unknown>[])[0]!.key = 'Not A Key';
    (bad.departments as Record<string, unknown>[])[2]!.head = 'nobody@ufuq.test';
    (bad.ladder as Record<string, unknown>[])[0]!.after = 'tomorrow';
    (bad.roles as Record<string, unknown>).quality_assurance = 'ghost@ufuq.test';
    let error: unknown;
    try { validatePolicy(bad, 'p.yaml'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).problems).toEqual([
      'departments[0].key: use lowercase letters, digits and dashes (it is used in core+KEY@ addresses)',
      'ladder[0].after: "tomorrow" is not a duration (use e.g. 24h, 90m, 30s, 2d)',
      'roles.quality_assurance: ghost@ufuq.test is not listed under people',
      'departments[2].head: nobody@ufuq.test is not listed under people',
    ]);
    expect((error as PolicyError).message).toMatch(/^POLICY_FILE: p\.yaml: the policy is not valid/);
  });

  it('refuses to make the hidden Core group a department head', () => {
    const bad = example();
    (bad.departments as Record<string, unknown>[])[0]!.head = 'core@ufuq.test';
    expect(() => validatePolicy(bad)).toThrow(/hidden Core group can never be assigned/);
  });
});

describe('durations', () => {
  it.each([['24h', 86_400_000], ['90m', 5_400_000], ['1h30m', 5_400_000], ['30s', 30_000], ['2d', 172_800_000], ['', undefined], ['5x', undefined], ['0s', undefined]])(
    'parseDuration(%j)', (text, ms) => { expect(parseDuration(text)).toBe(ms); });
  it.each([[86_400_000, 'ar', 'يوم واحد'], [5 * 60_000, 'ar', '5 دقائق'], [24 * 3_600_000 - 1000, 'en', '23 hours 59 minutes'], [90_000, 'en', '1 minute 30 seconds']] as const)(
    'durationText(%d, %s)', (ms, locale, text) => { expect(durationText(ms, locale)).toBe(text); });
});

describe('dates in Asia/Riyadh', () => {
  it('shows Gregorian and Umm al-Qura Hijri dates', () => {
    const d = new Date('2026-11-23T09:00:00Z');
    const ar = dualDate(d, 'ar', 'Asia/Riyadh');
    expect(ar.gregorian).toContain('نوفمبر');
    expect(ar.gregorian).toContain('12:00');
    expect(ar.hijri).toBe('13 جمادى الآخرة 1448 هـ');
    expect(dualDate(d, 'en', 'Asia/Riyadh').hijri).toMatch(/Jumada II 13, 1448|13 Jumada II 1448/);
  });
  it('finds local days across midnight', () => {
    expect(localDate(new Date('2026-11-22T21:30:00Z'), 'Asia/Riyadh')).toBe('2026-11-23');
    expect(startOfLocalDay('2026-11-23', 'Asia/Riyadh').toISOString()).toBe('2026-11-22T21:00:00.000Z');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

describe('escalation ladder', () => {
  const twoLevels = validatePolicy({ ...example(), ladder: [{ after: '24h', notify: ['general_manager'] }, { after: '8h', notify: ['core'] }] });
  const t0 = new Date('2026-11-23T06:00:00Z');
  it('level 1 is due 24 h after creation, level 2 its own time after level 1 fired', () => {
    const first = firstDeadline(twoLevels, { priority: null, departmentKey: null }, t0);
    expect(first).toEqual({ level: 1, dueAt: new Date('2026-11-24T06:00:00Z') });
    expect(nextDeadline(twoLevels, { priority: null, departmentKey: null }, 1, first.dueAt)).toEqual({ level: 2, dueAt: new Date('2026-11-24T14:00:00Z') });
    expect(nextDeadline(twoLevels, { priority: null, departmentKey: null }, 2, new Date())).toBeUndefined();
  });
});

describe('reply tokens and routing', () => {
  const secret = 's'.repeat(32);
  it('signs a reply address for one person and one ticket', () => {
    const addr = replyAddress('core@ufuq.test', secret, 42, 'Head.Finance@ufuq.test');
    const token = findReplyToken('core@ufuq.test', ['someone@else.test', addr]);
    expect(token?.ticketId).toBe(42);
    expect(verifyReplyToken(secret, token!, 'head.finance@ufuq.test')).toBe(true);
    expect(verifyReplyToken(secret, token!, 'attacker@evil.test')).toBe(false);
    expect(verifyReplyToken(secret, { ...token!, ticketId: 43 }, 'head.finance@ufuq.test')).toBe(false);
    expect(plusDetail('core@ufuq.test', [addr])).toBeUndefined();
  });

  it.each([
    ['plus address', ['core+finance@ufuq.test'], 'سؤال', '', 'finance', 'plus_address'],
    ['Arabic name in brackets', ['core@ufuq.test'], '[المالية] تأخر صرف', '', 'finance', 'subject'],
    ['English name in subject', ['core@ufuq.test'], 'Operations: truck missing', '', 'operations', 'subject'],
    ['keyword in body', ['core@ufuq.test'], 'مشكلة عاجلة', 'الشحنة لم تصل إلى العميل', 'operations', 'keyword'],
    ['keyword with diacritics and alef forms', ['core@ufuq.test'], 'طلب إستِرداد', '', 'finance', 'keyword'],
  ])('%s', (_n, recipients, subject, text, key, via) => {
    expect(routeMail(policy, { recipients, subject, text })).toMatchObject({ departmentKey: key, via });
  });

  it('leaves unknown mail for Core triage', () => {
    expect(routeMail(policy, { recipients: ['core@ufuq.test'], subject: 'استفسار عام', text: 'مرحبا' })).toBeUndefined();
  });
});
