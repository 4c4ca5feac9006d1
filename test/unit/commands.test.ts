import { describe, expect, it } from 'vitest';
import { missingResolveFields, parseCommand } from '../../src/domain/commands.ts';
import { stripQuoted } from '../../src/domain/quote-strip.ts';
import { isAcknowledgement } from '../../src/domain/acknowledgement.ts';

describe('parseCommand', () => {
  it('reads an Arabic #حل with root cause and preventive measure', () => {
    expect(parseCommand('#حل\nالسبب: تأخر المورد في التسليم\nالإجراء الوقائي: مورد بديل معتمد\n')).toEqual({
      name: 'resolve', word: 'حل', rootCause: 'تأخر المورد في التسليم', prevention: 'مورد بديل معتمد', text: '',
    });
  });

  it('reads an English #resolve whose fields stand alone and continue on the next lines', () => {
    expect(parseCommand('#resolve done\nRoot cause:\nthe portal certificate expired\nand nobody was alerted\n\nPrevention: expiry monitoring')).toEqual({
      name: 'resolve', word: 'resolve', rootCause: 'the portal certificate expired\nand nobody was alerted', prevention: 'expiry monitoring', text: 'done',
    });
  });

  // Defect 2: a line after a field that carries its text on the label line is the reply's comment, not part of it.
  it.each([
    ['a line after a filled prevention line is a comment',
      '#حل\nالسبب: خطأ في رقم الحساب\nالإجراء الوقائي: مراجعة مزدوجة للتحويلات\nتم رد المبلغ للعميل.',
      { rootCause: 'خطأ في رقم الحساب', prevention: 'مراجعة مزدوجة للتحويلات', text: 'تم رد المبلغ للعميل.' }],
    ['a line after a filled root cause line is a comment',
      '#حل\nالسبب: خطأ في رقم الحساب\nاتصلنا بالبنك\nالإجراء الوقائي: مراجعة مزدوجة',
      { rootCause: 'خطأ في رقم الحساب', prevention: 'مراجعة مزدوجة', text: 'اتصلنا بالبنك' }],
    ['a label alone takes the lines after it up to a blank line',
      '#حل\nالسبب:\nخطأ في رقم الحساب\nلدى المورد\n\nشكراً للجميع\nالإجراء الوقائي:\nمراجعة مزدوجة',
      { rootCause: 'خطأ في رقم الحساب\nلدى المورد', prevention: 'مراجعة مزدوجة', text: 'شكراً للجميع' }],
    ['a label alone stops at the next label',
      '#حل\nالسبب:\nخطأ في رقم الحساب\nالإجراء الوقائي: مراجعة مزدوجة\nأُبلغ العميل',
      { rootCause: 'خطأ في رقم الحساب', prevention: 'مراجعة مزدوجة', text: 'أُبلغ العميل' }],
    ['text on the command line is a comment, fields may follow it there',
      '#حل تم بحمد الله\nالسبب: س\nالإجراء الوقائي: ص',
      { rootCause: 'س', prevention: 'ص', text: 'تم بحمد الله' }],
    ['a field on the command line itself',
      '#resolve Root cause: expired certificate\nPrevention: expiry alerts\nCustomer told.',
      { rootCause: 'expired certificate', prevention: 'expiry alerts', text: 'Customer told.' }],
  ])('%s', (_n, input, expected) => {
    expect(parseCommand(input)).toMatchObject({ name: 'resolve', ...expected });
  });

  // Defect 3: everything missing is named at once.
  it.each([
    [{ rootCause: '', prevention: '' }, { ar: 'السبب الجذري والإجراء الوقائي', en: 'the root cause and the preventive measure' }],
    [{ rootCause: 'x', prevention: '' }, { ar: 'الإجراء الوقائي', en: 'the preventive measure' }],
    [{ rootCause: '', prevention: 'y' }, { ar: 'السبب الجذري', en: 'the root cause' }],
    [{ rootCause: 'x', prevention: 'y' }, undefined],
  ])('missing fields of %j', (fields, expected) => {
    expect(missingResolveFields(fields)).toEqual(expected);
  });

  it('leaves the fields empty when they are missing, so the caller can refuse', () => {
    expect(parseCommand('#حل تم الحل')).toMatchObject({ name: 'resolve', rootCause: '', prevention: '' });
  });

  it('recognises #توجيه with a department and unknown commands', () => {
    expect(parseCommand('#توجيه المالية')).toMatchObject({ name: 'route', arg: 'المالية' });
    expect(parseCommand('#تواصل تقنية المعلومات\nنحتاج ردكم اليوم')).toEqual({ name: 'contact', word: 'تواصل', arg: 'تقنية المعلومات', text: 'تقنية المعلومات\nنحتاج ردكم اليوم' });
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
