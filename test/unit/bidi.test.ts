import { describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.ts';
import { isolateText, withoutIsolates } from '../../src/domain/bidi.ts';

describe('isolating text people wrote', () => {
  it.each([
    ['Invoice 4471 failed!', '\u2068Invoice 4471 failed!\u2069'],
    ['سطر أول\nsecond line', '\u2068سطر أول\u2069\n\u2068second line\u2069'],
    ['a\n\nb', '\u2068a\u2069\n\n\u2068b\u2069'],
    ['', ''],
  ])('%j', (text, isolated) => {
    expect(isolateText(text)).toBe(isolated);
    expect(withoutIsolates(isolateText(text))).toBe(text);
  });

  const templates = new Templates();
  const ticket = { ref: 'T-000042', subject: 'Payroll <down>!', description: 'line one\nline two', department: null, originator: 'تركي', createdAt: '-', dueAt: '-', priority: '-' };
  it.each(['ar', 'en'] as const)('puts the subject in <bdi> (escaped) in HTML and between FSI and PDI in the subject and text (%s)', (locale) => {
    const r = templates.render('triage', locale, { org: 'o', title: 't', recipient: 'r', ticket, departments: [], example: '' });
    expect(r.subject).toContain('\u2068Payroll <down>!\u2069');
    expect(r.html).toContain('<bdi>Payroll &lt;down&gt;!</bdi>');
    expect(r.text).toContain('\u2068line one\u2069\n\u2068line two\u2069');
  });
});
