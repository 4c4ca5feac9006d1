/**
 * An announced holiday and a period of other hours on the real services: a ticket opened by email on a business-
 * clock priority while the authorities' announced Eid days (not the computed ones) are on gets its deadline after
 * them, at the special hours of the day after; the head's copy says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { addDays, localDate, localInstant } from '../../src/domain/dates.ts';
import { hijriDate } from '../../src/domain/hijri.ts';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);
const TZ = 'Asia/Riyadh';

describe('announced holidays and special hours', () => {
  let inst: Installation;
  const today = localDate(new Date(), TZ);
  // The computed holiday was two days ago; for this Hijri year it was announced for today and tomorrow instead.
  const computed = hijriDate(addDays(today, -2));
  const after = addDays(today, 2);

  beforeAll(async () => {
    inst = await Installation.create('calendar', [{ after: '4s', notify: ['general_manager'] }], {
      policy: (p) => {
        p.priorities = [{ key: 'normal', name: { ar: 'عادية', en: 'Normal' }, deadline: '4s', clock: 'business' }];
        p.default_priority = 'normal';
        p.calendar = {
          workdays: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
          hours: { start: '00:00', end: '23:59' },
          hijri_holidays: [{
            month: computed.month, day: computed.day, days: 1, name: { ar: 'عيد', en: 'Eid' },
            announced: [{ year: computed.year, from: today, to: addDays(today, 1) }],
          }],
          periods: [{ name: { ar: 'ساعات خاصة', en: 'Special hours' }, from: after, to: after, hours: { start: '10:00', end: '12:00' } }],
        };
      },
    });
    await inst.start();
  });
  afterAll(async () => { await inst.close(); });

  it('pauses the business clock over the announced days and resumes it at the special hours', async () => {
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: `core+operations@${inst.domain}`, subject: 'شحنة متأخرة في العيد', body: 'الشحنة لم تصل.' }));
    const t = await waitFor('the ticket', async () => await inst.db('tickets').first('id', 'ref') as { id: number; ref: string } | undefined);
    const copy = await inst.waitForMail('head.ops', about(t.ref), 'the copy');
    const due = await waitFor('the deadline', async () => await inst.db('deadlines').where({ ticket_id: t.id, kind: 'escalate', level: 1 }).first('due_at') as { due_at: Date } | undefined);
    // Without the announcement the deadline would be 4 s from now; it is 4 s after 10:00 on the day after the Eid.
    expect(due.due_at.toISOString()).toBe(new Date(localInstant(after, 10 * 60, TZ).getTime() + 4000).toISOString());
    expect(copy.text).toContain('4 ثوانٍ من ساعات العمل');
    expect((await inst.mailbox('gm')).filter(about(t.ref))).toHaveLength(0);
  });
});
