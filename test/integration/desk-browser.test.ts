/**
 * The web desk in Debian's Chromium, against a real `tasaeed start` with its desk on a free port: sign-in through the
 * link emailed to the head's mailbox (read over IMAP), the ticket list with a filter and an Arabic search written with
 * other hamza forms and diacritics, a head kept out of another department's ticket, a resolution from the form whose
 * email reaches the originator, a form without its CSRF token refused, a link that works once, and the layout at
 * phone and desktop width in Arabic and English. TASAEED_SCREENSHOTS=<dir> writes the README's screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/services/ports.ts';
import { launchChromium } from '../support/chromium.ts';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const shots = process.env.TASAEED_SCREENSHOTS;
let inst: Installation;
let browser: Browser;
let base: string;
const refs: Record<'shipment' | 'invoice', string> = { shipment: '', invoice: '' };

async function ticketRef(subjectPart: string): Promise<string> {
  return await waitFor(`the ticket «${subjectPart}»`, async () => {
    const row = await inst.db('tickets').where('subject', 'like', `%${subjectPart}%`).first('ref') as { ref: string } | undefined;
    return row?.ref;
  });
}

/** Asks for a link on the sign-in page and returns the newest link that arrived in the person's mailbox. */
async function emailedLink(page: Page, local: string): Promise<string> {
  const before = (await inst.mailbox(local)).length;
  await page.goto(`${base}/sign-in`);
  await page.getByLabel(/البريد الإلكتروني|Email address/).fill(inst.addr(local));
  await page.getByRole('button', { name: /أرسلوا لي رابط الدخول|Email me a sign-in link/ }).click();
  await page.getByRole('status').waitFor();
  const mails = await waitFor(`a sign-in email for ${local}`, async () => {
    const all = await inst.mailbox(local);
    return all.length > before ? all : undefined;
  });
  const text = mails[mails.length - 1]?.text ?? '';
  const link = /https?:\/\/\S+\/sign-in\/[\w-]+/.exec(text)?.[0];
  if (link === undefined) throw new Error(`no sign-in link in: ${text}`);
  return link;
}

/** Signs in through the emailed link, or (to stay within the per-address rate limit) one printed by `tasaeed desk link`. */
async function signIn(local: string, via: 'email' | 'cli' = 'cli'): Promise<{ context: BrowserContext; page: Page; link: string }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const link = via === 'email' ? await emailedLink(page, local) : (await inst.cli(['desk', 'link', inst.addr(local)])).stdout.trim();
  expect(link).toMatch(/\/sign-in\//);
  await page.goto(link);
  await page.getByRole('button', { name: /^(الدخول|Sign in)$/ }).click();
  await page.waitForURL(`${base}/`);
  return { context, page, link };
}

beforeAll(async () => {
  browser = await launchChromium();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  inst = await Installation.create('desk', [{ after: '1h', notify: ['general_manager'] }], {
    env: () => ({ HTTP_PORT: String(port), DESK_URL: base }),
    policy: (p) => {
      const people = p.people as { email: string; locale: string }[];
      const fin = people.find((x) => x.email.startsWith('head.fin@'));
      if (fin !== undefined) fin.locale = 'en';
    },
  });
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await inst.start();
  await inst.appendToCore(arabicEmail({
    from: inst.addr('clerk'), to: inst.addr('core'), subject: 'تأخُّر شحنةٍ إلى جدة',
    body: 'الشحنة رقم 5521 لم تصل إلى العميل منذ أسبوع، ونرجو المتابعة مع شركة النقل.',
  }));
  await inst.appendToCore(arabicEmail({
    from: inst.addr('clerk'), to: inst.addr('core'), subject: 'فاتورة مكررة للعميل',
    body: 'صدرت الفاتورة مرتين لنفس الطلب.',
  }));
  refs.shipment = await ticketRef('شحنة');
  refs.invoice = await ticketRef('فاتورة');
  if (shots !== undefined) mkdirSync(shots, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser.close();
  await inst.close();
});

describe('the web desk', () => {
  it('signs a head in through the emailed link and shows only their department', async () => {
    const { context, page } = await signIn('head.ops', 'email');
    try {
      await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.getByRole('link', { name: new RegExp(refs.shipment) }).count()).toBe(1);
      expect(await page.getByRole('link', { name: new RegExp(refs.invoice) }).count()).toBe(0);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'tasaeed_session');
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Lax');
    } finally {
      await context.close();
    }
  });

  it('does not let a head open another department\'s ticket by its URL', async () => {
    const { context, page } = await signIn('head.ops');
    try {
      const res = await page.goto(`${base}/tickets/${refs.invoice}`);
      expect(res?.status()).toBe(404);
      expect(await page.content()).not.toContain('فاتورة مكررة');
      const file = await page.request.get(`${base}/tickets/${refs.invoice}/attachments/1`);
      expect(file.status()).toBe(404);
    } finally {
      await context.close();
    }
  });

  it('finds a ticket by an Arabic search with other hamza forms and diacritics, and filters by status', async () => {
    const { context, page } = await signIn('desk', 'email');
    try {
      await page.getByLabel('بحث').fill('تَاخر شحنه');
      await page.getByRole('button', { name: 'تطبيق' }).click();
      await page.waitForURL(/q=/);
      expect(await page.getByRole('link', { name: new RegExp(refs.shipment) }).count()).toBe(1);
      expect(await page.getByRole('link', { name: new RegExp(refs.invoice) }).count()).toBe(0);
      await page.goto(`${base}/?status=resolved`);
      expect(await page.getByRole('link', { name: new RegExp(refs.shipment) }).count()).toBe(0);
      await page.goto(`${base}/?status=open`);
      expect(await page.getByRole('link', { name: new RegExp(refs.invoice) }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('refuses a form posted without its CSRF token', async () => {
    const { context, page } = await signIn('head.ops');
    try {
      const res = await page.request.post(`${base}/tickets/${refs.shipment}/actions/note`, { form: { text: 'بلا رمز' } });
      expect(res.status()).toBe(403);
      const notes = await inst.db('ticket_events').where({ kind: 'note' }).whereRaw("data->>'text' = ?", ['بلا رمز']);
      expect(notes).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  it('resolves a ticket from the form: recorded as from the web, and the originator gets the resolution email', async () => {
    const { context, page } = await signIn('head.ops');
    try {
      await page.getByRole('link', { name: new RegExp(refs.shipment) }).click();
      await page.getByText('حل التذكرة', { exact: true }).first().click();
      await page.getByLabel('السبب الجذري').fill('تأخر شركة النقل في الاستلام.');
      await page.getByLabel('الإجراء الوقائي').fill('متابعة يومية لشحنات شركة النقل.');
      await page.getByRole('button', { name: 'حل التذكرة' }).click();
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').textContent()).toContain('تم تنفيذ الأمر');
      const mail = await inst.waitForMail('clerk', (m) => (m.subject ?? '').includes(refs.shipment) && (m.text ?? '').includes('متابعة يومية'), 'the resolution email');
      expect(mail.text).toContain('تأخر شركة النقل');
      expect(mail.html).toContain(`href="${base}/tickets/${refs.shipment}"`); // DESK_URL links the reference
      const ev = await inst.db('ticket_events').where({ kind: 'resolved' }).first('source', 'actor') as { source: string; actor: string };
      expect(ev).toEqual({ source: 'web', actor: inst.addr('head.ops') });
    } finally {
      await context.close();
    }
  });

  it('gives the same answer to an address outside the policy and sends it nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('البريد الإلكتروني').fill(inst.addr('stranger'));
      await page.getByRole('button', { name: 'أرسلوا لي رابط الدخول' }).click();
      expect(await page.getByRole('status').textContent()).toContain('إن كان هذا البريد مسجَّلاً');
      expect(await inst.db('desk_sign_ins').where({ email: inst.addr('stranger') })).toHaveLength(0);
      expect(await inst.db('outbox').where({ to_email: inst.addr('stranger') })).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  it('sends at most three links per address in 15 minutes, with the same answer', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      for (let i = 0; i < 4; i += 1) {
        await page.goto(`${base}/sign-in`);
        await page.getByLabel('البريد الإلكتروني').fill(inst.addr('gm'));
        await page.getByRole('button', { name: 'أرسلوا لي رابط الدخول' }).click();
        expect(await page.getByRole('status').textContent()).toContain('إن كان هذا البريد مسجَّلاً');
      }
      expect(await inst.db('desk_sign_ins').where({ email: inst.addr('gm') })).toHaveLength(3);
    } finally {
      await context.close();
    }
  });

  it('does not accept a used link a second time', async () => {
    const first = await signIn('qa', 'email');
    await first.context.close();
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(first.link);
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'الدخول' }).click()]);
      expect(res.status()).toBe(410);
      expect(await page.content()).toContain('الرابط غير صالح');
      expect((await context.cookies()).some((c) => c.name === 'tasaeed_session')).toBe(false);
    } finally {
      await context.close();
    }
  });
});

interface Layout { htmlDir: string; bodyDir: string; overflows: string[]; pageWidth: number; titleGap: number }

/** The little of the DOM the probe uses (the project's TypeScript setup has no DOM library). */
interface El {
  tagName: string; textContent: string | null; clientWidth: number; scrollWidth: number;
  closest(selector: string): El | null; getBoundingClientRect(): { left: number; right: number };
}
interface PageGlobals {
  document: {
    documentElement: { dir: string; scrollWidth: number }; body: El;
    querySelector(selector: string): El | null; querySelectorAll(selector: string): ArrayLike<El>;
    createRange(): { selectNodeContents(el: El): void; getBoundingClientRect(): { left: number; right: number } };
  };
  getComputedStyle: (el: El) => { direction: string };
}

/** Runs in the page: the direction, anything wider than its box (tables scroll inside .scroll on purpose), and
 * how far the title's text stands from the start edge of its box (right in Arabic, left in English). */
function inspect(): Layout {
  const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
  const all = Array.from(document.querySelectorAll('body *'));
  const h1 = document.querySelector('h1');
  let titleGap = Number.NaN;
  if (h1 !== null) {
    const range = document.createRange();
    range.selectNodeContents(h1);
    const box = h1.getBoundingClientRect();
    const text = range.getBoundingClientRect();
    titleGap = document.documentElement.dir === 'rtl' ? box.right - text.right : text.left - box.left;
  }
  return {
    htmlDir: document.documentElement.dir,
    bodyDir: getComputedStyle(document.body).direction,
    overflows: all.filter((el) => el.closest('.scroll') === null && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `<${el.tagName.toLowerCase()}> «${(el.textContent ?? '').trim().slice(0, 40)}» ${el.scrollWidth}px in ${el.clientWidth}px`),
    pageWidth: document.documentElement.scrollWidth,
    titleGap,
  };
}

describe.each([
  { lang: 'ar', local: 'head.ops', dir: 'rtl' },
  { lang: 'en', local: 'head.fin', dir: 'ltr' },
] as const)('the desk in $lang', ({ lang, local, dir }) => {
  let context: BrowserContext;
  beforeAll(async () => { context = (await signIn(local)).context; }, 120_000);
  afterAll(async () => { await context.close(); });

  it.each([390, 1280])('lays out the list and a ticket with nothing overflowing at %i px', async (width) => {
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width, height: 900 });
      const ref = lang === 'ar' ? refs.shipment : refs.invoice;
      for (const [name, path] of [['list', '/'], ['ticket', `/tickets/${ref}`]] as const) {
        const res = await page.goto(`${base}${path}`);
        expect(res?.status()).toBe(200);
        const layout = await page.evaluate(inspect);
        expect(layout.htmlDir).toBe(dir);
        expect(layout.bodyDir).toBe(dir);
        expect(layout.overflows).toEqual([]);
        expect(layout.pageWidth).toBeLessThanOrEqual(width);
        expect(Math.abs(layout.titleGap)).toBeLessThan(2);
        if (shots !== undefined) await page.screenshot({ path: join(shots, `desk-${name}-${lang}-${width}.png`), fullPage: name === 'list' });
      }
    } finally {
      await page.close();
    }
  });
});
