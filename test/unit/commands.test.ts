import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/domain/commands.ts';
import { stripQuoted } from '../../src/domain/quote-strip.ts';
import { isAcknowledgement } from '../../src/domain/acknowledgement.ts';

describe('parseCommand', () => {
  it('reads an Arabic #حل with root cause and preventive measure', () => {
    expect(parseCommand('#حل\nالسبب: تأخر المورد في التسليم\nالإجراء الوقائي: مورد بديل معتمد\n')).toEqual({
      name: 'resolve', rootCause: 'تأخر المورد في التسليم', prevention: 'مورد بديل معتمد', text: '',
    });
  });

  it('reads an English #resolve with fields that continue on the next line', () => {
    expect(parseCommand('#resolve done\nRoot cause: the portal certificate expired\nand nobody was alerted\nPrevention: expiry monitoring')).toEqual({
      name: 'resolve', rootCause: 'the portal certificate expired\nand nobody was alerted', prevention: 'expiry monitoring', text: 'done',
    });
  });

  it('leaves the fields empty when they are missing, so the caller can refuse', () => {
    expect(parseCommand('#حل تم الحل')).toMatchObject({ name: 'resolve', rootCause: '', prevention: '' });
  });

  it('recognises #توجيه with a department and unknown commands', () => {
    expect(parseCommand('#توجيه المالية')).toMatchObject({ name: 'route', arg: 'المالية' });
    expect(parseCommand('#تواصل تقنية المعلومات\nنحتاج ردكم اليوم')).toEqual({ name: 'contact', arg: 'تقنية المعلومات', text: 'تقنية المعلومات\nنحتاج ردكم اليوم' });
    expect(parseCommand('#أولوية عاجلة')).toMatchObject({ name: 'priority', arg: 'عاجلة' });
    expect(parseCommand('#foo bar')).toMatchObject({ name: 'unknown', word: 'foo' });
  });

  it('finds no command in plain text', () => {
    expect(parseCommand('شكراً، نعمل عليها')).toBeUndefined();
    expect(parseCommand('')).toBeUndefined();
  });
});

describe('stripQuoted', () => {
  const cases: [string, string, string][] = [
    ['Outlook Arabic header block', 'تم الحل\n\nمن: الكور <core@ufuq.test>\nأُرسلت: الأحد\nالموضوع: [T-000001]', 'تم الحل'],
    ['Outlook English underscore line', 'Done.\n________________________________\nFrom: Core', 'Done.'],
    ['Gmail English', 'OK\n\nOn Sun, 22 Nov 2026 at 10:00, Core <core@ufuq.test> wrote:\n> old', 'OK'],
    ['Gmail Arabic', 'تمام\n\nفي الأحد، 22 نوفمبر 2026 في 10:00 ص، الكور <core@ufuq.test> كتب:\n> قديم', 'تمام'],
    ['Original Message', 'yes\n-----Original Message-----\nFrom: x', 'yes'],
    ['> quoting', 'new line\n> quoted', 'new line'],
    ['signature', 'text\n-- \nMohammed', 'text'],
    ['nothing quoted', 'line one\nline two', 'line one\nline two'],
  ];
  it.each(cases)('%s', (_n, input, expected) => {
    expect(stripQuoted(input)).toBe(expected);
  });
});

describe('isAcknowledgement', () => {
  it.each([
    ['شكراً جزيلاً', true], ['شكرا لكم', true], ['مشكورين على سرعة الحل', true], ['تمام، وصلت', true], ['Thanks!', true],
    ['OK thank you', true], ['المبلغ لم يصل حتى الآن', false], ['شكراً، لكن المشكلة عادت اليوم صباحاً والعميل غاضب جداً ويطلب حلاً نهائياً', false],
    ['', false], ['Thanks, but it is broken again', false],
  ])('%s → %s', (text, expected) => { expect(isAcknowledgement(text)).toBe(expected); });
});
