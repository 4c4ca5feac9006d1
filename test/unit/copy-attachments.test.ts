import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Templates } from '../../src/adapters/templates.ts';
import {
  describeCopyFiles, parseByteSize, planCopyAttachments, sizeText, type OriginalAttachment,
} from '../../src/domain/copy-attachments.ts';
import { PolicyError, validatePolicy } from '../../src/domain/policy.ts';

const KB = 1024;
const MB = KB * KB;
const file = (id: number, size: number, o: Partial<OriginalAttachment> = {}): OriginalAttachment =>
  ({ id, filename: `f${String(id)}.pdf`, contentType: 'application/pdf', size, inline: false, contentId: null, stored: true, ...o });

describe('which of the original\'s files a copy carries', () => {
  it.each([
    ['all of them when they fit', [file(1, 3 * MB), file(2, 3 * MB)], 10 * MB, [1, 2], []],
    ['up to the limit in all, in their order, a smaller later file still fitting', [file(1, 6 * MB), file(2, 5 * MB), file(3, 4 * MB)], 10 * MB, [1, 3], [[2, 'over_limit']]],
    ['exactly the limit', [file(1, 10 * MB)], 10 * MB, [1], []],
    ['none with a limit of 0', [file(1, 1)], 0, [], [[1, 'over_limit']]],
    ['a file only listed on arrival is left out as not kept', [file(1, 20 * MB, { stored: false }), file(2, KB)], 10 * MB, [2], [[1, 'not_stored']]],
  ])('%s', (_n, files, limit, attached, left) => {
    const plan = planCopyAttachments(files, limit);
    expect(plan.attach.map((f) => f.id)).toEqual(attached);
    expect(plan.leftOut.map((l) => [l.file.id, l.why])).toEqual(left);
  });

  it.each([['10MB', 10 * MB], ['512 KB', 512 * KB], ['1.5mb', 1.5 * MB], [0, 0], ['2048', 2048], ['ten', undefined], [-1, undefined], ['5 TB', undefined]] as const)(
    'parseByteSize(%j)', (v, n) => { expect(parseByteSize(v)).toBe(n); });

  it.each([[68, 'ar', '68 بايت'], [200 * KB, 'ar', '200 كيلوبايت'], [Math.round(2.5 * MB), 'ar', '2.5 ميغابايت'], [12 * MB, 'en', '12 MB'], [1536, 'en', '1.5 KB']] as const)(
    'sizeText(%d, %s)', (n, locale, text) => { expect(sizeText(n, locale)).toBe(text); });

  it('lists every file and says in one line, per language, what was left out and why', () => {
    const files = [file(1, 6 * MB), file(2, 5 * MB, { filename: 'عقد.pdf' }), file(3, 30 * MB, { stored: false }), file(4, 300, { inline: true, contentType: 'image/png', filename: 'logo.png', contentId: 'logo@x' })];
    const plan = planCopyAttachments(files, 10 * MB);
    const ar = describeCopyFiles(plan, files, 10 * MB, 'ar', (f) => f.contentId ?? '');
    expect(ar.items.map((i) => i.status)).toEqual(['مرفق', 'لم يُرفق (تجاوز الحد)', 'لم يُحفظ عند الاستلام', 'صورة ضمن الرسالة']);
    expect(ar.images.map((i) => i.cid)).toEqual(['logo@x']);
    expect(ar.note).toBe('لم يُرفق ملف واحد لأن مرفقات النسخة لا تتجاوز 10 ميغابايت في مجموعها: \u2068عقد.pdf\u2069 (5 ميغابايت). '
      + 'ولم يُحفظ عند الاستلام (تجاوز حدود البريد الوارد): \u2068f3.pdf\u2069 (30 ميغابايت). الملفات كاملة في الرسالة الأصلية لدى الكور.');
    const en = describeCopyFiles(plan, files, 10 * MB, 'en', (f) => f.contentId ?? '');
    expect(en.note).toBe('1 file not attached because a copy carries at most 10 MB of attachments in all: \u2068عقد.pdf\u2069 (5 MB). '
      + 'not kept on arrival (over the inbound limits): \u2068f3.pdf\u2069 (30 MB). The full files are in the original message at the Core desk.');
    expect(describeCopyFiles(planCopyAttachments([file(1, KB)], MB), [file(1, KB)], MB, 'ar', () => '').note).toBeNull();
  });
});

describe('the attachments policy', () => {
  const example = (): Record<string, unknown> => parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;
  it('defaults to 10 MB in all and reads sizes', () => {
    expect(validatePolicy({ ...example(), attachments: undefined }).attachments.copy_limit).toBe(10 * MB);
    expect(validatePolicy({ ...example(), attachments: { copy_limit: '25MB' } }).attachments.copy_limit).toBe(25 * MB);
  });
  it('names the setting of a bad size', () => {
    expect(() => validatePolicy({ ...example(), attachments: { copy_limit: 'big' } })).toThrow(PolicyError);
    try { validatePolicy({ ...example(), attachments: { copy_limit: 'big' } }); } catch (e) {
      expect((e as PolicyError).problems).toEqual(['attachments.copy_limit: "big" is not a size (use e.g. 10MB, 512KB, or 0 to attach nothing)']);
    }
  });
});

describe('the copy and escalation templates', () => {
  const templates = new Templates();
  const ticket = { ref: 'T-000042', subject: 's', description: 'd', department: 'Finance', originator: 'o', createdAt: '—', dueAt: '—', priority: '—' };
  it.each(['ticket-copy', 'escalation'])('%s lists the files and the left-out line in both languages', (name) => {
    for (const locale of ['ar', 'en'] as const) {
      const files = { items: [{ name: 'a.pdf', type: 'application/pdf', size: '1 MB', attached: true, inline: false, cid: null, status: 'S1' }], images: [], note: 'NOTE-LINE' };
      const r = templates.render(name, locale, {
        org: 'o', title: 't', recipient: 'r', ticket, window: 'w', nextLevel: 'n', level: 1, levelName: 'l', manual: false,
        reason: null, by: null, overdueSince: 'o', history: [], files,
      });
      for (const part of [r.html, r.text]) {
        expect(part).toContain('a.pdf');
        expect(part).toContain('S1');
        expect(part).toContain('NOTE-LINE');
      }
    }
  });
});
