/**
 * Every report's HTML, as the email carries it, opened in a real headless Chromium at a phone-like 600 px and a
 * desktop 1000 px: the Arabic reports lay out right to left with text aligned right, the CSS is inlined (what
 * Gmail and Outlook keep), and no element's text overflows its box. With TASAEED_SCREENSHOTS=<dir> it also writes
 * the screenshots shown in the README (docs/report-<kind>.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.ts';
import { buildReport, type RenderDeps } from '../../src/app/build-report.ts';
import { Directory } from '../../src/domain/directory.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { parsePeriod, type Period, type ReportKind } from '../../src/domain/report-period.ts';
import { launchChromium } from '../support/chromium.ts';
import { Installation } from '../support/harness.ts';
import { riyadh, seedReports } from '../support/report-seed.ts';

const LADDER = [{ after: '24h', notify: ['general_manager'] }, { after: '24h', notify: ['general_manager', 'core'] }];
const REPORTS: readonly { kind: ReportKind; period: Period; asOf: string }[] = [
  { kind: 'daily', period: parsePeriod('day', '2026-11-18'), asOf: '2026-11-19 07:30' },
  { kind: 'weekly', period: parsePeriod('week', '2026-11-15'), asOf: '2026-11-22 08:00' },
  { kind: 'monthly', period: parsePeriod('month', '2026-11'), asOf: '2026-12-01 08:00' },
  { kind: 'departments', period: parsePeriod('month', '2026-11'), asOf: '2026-12-01 08:30' },
];
const WIDTHS = [600, 1000] as const;
const shots = process.env.TASAEED_SCREENSHOTS;

let inst: Installation;
let deps: RenderDeps;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  inst = await Installation.create('rtl', LADDER);
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await seedReports(inst.db, inst.domain);
  const policy = validatePolicy(inst.policy);
  deps = { db: inst.db, policy, directory: new Directory(policy), templates: new Templates() };
  if (shots !== undefined) mkdirSync(shots, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser.close();
  await inst.close();
});

interface Layout {
  htmlDir: string;
  overflows: string[];
  notRtl: string[];
  notRight: string[];
  titleGap: number;
  uninlined: number;
  pageWidth: number;
}

/** The little of the DOM that the probe uses (the project's TypeScript setup has no DOM library). */
interface El {
  tagName: string;
  className: unknown;
  textContent: string | null;
  childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
  clientWidth: number;
  scrollWidth: number;
  closest(selector: string): El | null;
  getBoundingClientRect(): { right: number };
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  document: {
    body: El & { querySelectorAll(selector: string): ArrayLike<El> };
    documentElement: { dir: string; scrollWidth: number };
    querySelector(selector: string): El | null;
    querySelectorAll(selector: string): ArrayLike<El>;
    createRange(): { selectNodeContents(el: El): void; getBoundingClientRect(): { right: number } };
  };
  getComputedStyle: (el: El) => { direction: string; textAlign: string; display: string; paddingRight: string };
}

/** Runs in the page: what a reader would see go wrong. */
function inspect(): Layout {
  const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
  const TEXT_NODE = 3;
  const describe = (el: El): string => `<${el.tagName.toLowerCase()}${el.className === '' ? '' : ` class="${String(el.className)}"`}> «${(el.textContent ?? '').trim().slice(0, 40)}»`;
  const all = Array.from(document.body.querySelectorAll('*'));
  const withText = all.filter((el) => Array.from(el.childNodes).some((n) => n.nodeType === TEXT_NODE && /\p{L}/u.test(n.textContent ?? '')));
  const blocks = withText.filter((el) => ['block', 'table-cell', 'list-item'].includes(getComputedStyle(el).display));
  const title = document.querySelector('h2');
  let titleGap = Number.NaN;
  if (title !== null) {
    const range = document.createRange();
    range.selectNodeContents(title);
    titleGap = title.getBoundingClientRect().right - Number.parseFloat(getComputedStyle(title).paddingRight) - range.getBoundingClientRect().right;
  }
  return {
    htmlDir: document.documentElement.dir,
    overflows: all.filter((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${describe(el)} ${el.scrollWidth}px in ${el.clientWidth}px`),
    notRtl: withText.filter((el) => getComputedStyle(el).direction !== 'rtl').map(describe),
    // Numbers in figure columns (.n) and the headline tiles (.kpi) are centred on purpose.
    notRight: blocks.filter((el) => el.closest('.n, .kpi') === null && !['right', 'start'].includes(getComputedStyle(el).textAlign)).map(describe),
    titleGap,
    uninlined: Array.from(document.querySelectorAll('.data th, .data td, .content, .brand')).filter((el) => (el.getAttribute('style') ?? '') === '').length,
    pageWidth: document.documentElement.scrollWidth,
  };
}

/** Opens a report's HTML at a width and probes it; saves a screenshot when asked. */
async function open(html: string, width: number, screenshot?: string): Promise<Layout> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const layout = await page.evaluate(inspect);
    if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true });
    return layout;
  } finally {
    await page.close();
  }
}

describe.each(REPORTS)('the $kind report in Chromium', ({ kind, period, asOf }) => {
  it.each(WIDTHS)('reads right to left with nothing overflowing at %i px (Arabic)', async (width) => {
    const { email } = await buildReport(deps, kind, period, { locale: 'ar', asOf: riyadh(asOf), heads: kind === 'monthly' ? ['operations'] : [] });
    const layout = await open(email.html, width, shots !== undefined && width === 1000 ? join(shots, `report-${kind}.png`) : undefined);
    expect(layout.htmlDir).toBe('rtl');
    expect(layout.notRtl).toEqual([]);
    expect(layout.notRight).toEqual([]);
    expect(Math.abs(layout.titleGap)).toBeLessThan(2); // the title ends at the right edge of its box
    expect(layout.overflows).toEqual([]);
    expect(layout.pageWidth).toBeLessThanOrEqual(width);
    expect(layout.uninlined).toBe(0);
  });

  it.each(WIDTHS)('has nothing overflowing at %i px (English)', async (width) => {
    const { email } = await buildReport(deps, kind, period, { locale: 'en', asOf: riyadh(asOf), heads: kind === 'monthly' ? ['finance'] : [] });
    const layout = await open(email.html, width);
    expect(layout.htmlDir).toBe('ltr');
    expect(layout.overflows).toEqual([]);
    expect(layout.pageWidth).toBeLessThanOrEqual(width);
  });
});
