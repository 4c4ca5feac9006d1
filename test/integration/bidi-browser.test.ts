/**
 * Text people wrote keeps its own order inside our emails, in a real Chromium: an English subject in an Arabic
 * copy ends with its "!" on the right, an Arabic subject in an English copy ends with its "!" on the left. Without
 * the isolation (<bdi>) the paragraph's direction drags that last neutral character to the wrong end.
 * With TASAEED_SCREENSHOTS=<dir> it saves docs/bidi-copy-<locale>.png.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.ts';
import { FSI, PDI } from '../../src/domain/bidi.ts';
import { launchChromium } from '../support/chromium.ts';

const templates = new Templates();
const shots = process.env.TASAEED_SCREENSHOTS;
let browser: Browser;

beforeAll(async () => { browser = await launchChromium(); }, 600_000);
afterAll(async () => { await browser.close(); });

const copy = (locale: 'ar' | 'en', subject: string, originator: string) => templates.render('ticket-copy', locale, {
  org: 'شركة الأفق', title: subject, recipient: locale === 'ar' ? 'ريم الحربي' : 'Reem Al-Harbi', window: '24h', nextLevel: 'GM',
  ticket: { ref: 'T-000042', subject, description: subject, department: 'Finance', originator, createdAt: '—', dueAt: '—', priority: '—' },
});

/** Where, left to right, the first and the last character of the text in the first <bdi> holding `text` are drawn. */
async function edges(html: string, text: string, screenshot?: string): Promise<{ first: number; last: number }> {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true });
    // Runs in the page (the project's TypeScript has no DOM library, so the probe is a string).
    return await page.evaluate(`(() => {
      const el = [...document.querySelectorAll('bdi')].find((b) => b.textContent === ${JSON.stringify(text)});
      if (!el) throw new Error('no <bdi> holding the text');
      const node = el.firstChild;
      const at = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1); const b = r.getBoundingClientRect(); return b.left + b.width / 2; };
      return { first: at(0), last: at(node.length - 1) };
    })()`) as { first: number; last: number };
  } finally {
    await page.close();
  }
}

describe('user-written text in our emails, in Chromium', () => {
  it('keeps an English subject left to right inside an Arabic email', async () => {
    const subject = 'Invoice 4471 failed!';
    const r = copy('ar', subject, 'Turki <clerk@ufuq.test>');
    expect(r.subject).toContain(`${FSI}${subject}${PDI}`);
    expect(r.text).toContain(`الموضوع: ${FSI}${subject}${PDI}`);
    const e = await edges(r.html, subject, shots === undefined ? undefined : join(shots, 'bidi-copy-ar.png'));
    expect(e.first).toBeLessThan(e.last); // "I" on the left, "!" on the right
  });

  it('keeps Arabic text right to left inside an English email, and isolates an Arabic name', async () => {
    const subject = 'تأخر شحنة العميل 4471!';
    const name = 'تركي البقمي (المالية)';
    const r = copy('en', subject, name);
    expect(r.subject).toContain(`${FSI}${subject}${PDI}`);
    expect(r.text).toContain(`From: ${FSI}${name}${PDI}`);
    expect(r.html).toContain(`<bdi>${name}</bdi>`);
    const e = await edges(r.html, subject, shots === undefined ? undefined : join(shots, 'bidi-copy-en.png'));
    expect(e.first).toBeGreaterThan(e.last); // "ت" on the right, "!" on the left
  });
});
