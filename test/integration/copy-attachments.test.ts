/**
 * Attachments in copies, over real IMAP: the head's copy and the escalation carry the original's attachments with
 * their bytes intact (sha256), the inline image stays inline (same Content-ID, shown in the copy), and every email
 * lists them; a set over the policy's limit is attached up to it and the rest named in the "left out" line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { Installation, waitFor } from '../support/harness.ts';

const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const KB = 1024;
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('attachments in copies', () => {
  let inst: Installation;
  const send = async (subject: string, attachments: { filename: string; content: Buffer; contentType: string; cid?: string }[], html?: string) => {
    await inst.deliver({
      from: inst.addr('clerk'), to: `core+operations@${inst.domain}`, envelope: { from: inst.addr('clerk'), to: inst.addr('core') },
      subject, text: 'نرفق لكم مستندات الشحنة.', ...(html === undefined ? {} : { html }), attachments,
    });
    return await waitFor('the ticket', async () => await inst.db('tickets').where({ subject }).first('id', 'ref') as { id: number; ref: string } | undefined);
  };

  beforeAll(async () => {
    inst = await Installation.create('copyfiles', [{ after: '5s', notify: ['general_manager'] }], {
      policy: { attachments: { copy_limit: '300KB' } },
    });
    await inst.start();
  });
  afterAll(async () => { await inst.close(); });

  it('sends the original\'s files with the head\'s copy and with the escalation, byte for byte', async () => {
    const pdf = randomBytes(200 * KB);
    const t = await send('شحنة متأخرة مع مستندات', [
      { filename: 'بوليصة الشحن.pdf', content: pdf, contentType: 'application/pdf' },
      { filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@dept.test' },
    ], '<p>نرفق لكم مستندات الشحنة.</p><img src="cid:logo@dept.test">');

    for (const [who, what] of [['head.ops', 'the copy'], ['gm', 'the escalation']] as const) {
      const mail = await inst.waitForMail(who, about(t.ref), what, 30_000);
      const file = mail.attachments.find((a) => a.filename === 'بوليصة الشحن.pdf');
      expect(file?.contentType).toBe('application/pdf');
      expect(sha(file?.content ?? Buffer.alloc(0))).toBe(sha(pdf));
      const image = mail.attachments.find((a) => a.filename === 'logo.png');
      expect(sha(image?.content ?? Buffer.alloc(0))).toBe(sha(PNG));
      expect(image?.cid).toBe('logo@dept.test');
      expect(image?.contentDisposition).toBe('inline');
      // mailparser turns a cid: link into a data: URI only when the image is a related part with that Content-ID.
      expect(mail.html).toContain(`src="data:image/png;base64,${PNG.toString('base64')}"`);
      expect(mail.text).toContain('مرفقات الرسالة الأصلية:');
      expect(mail.text).toMatch(/بوليصة الشحن\.pdf\u2069? \(application\/pdf، 200 كيلوبايت\): مرفق/u);
      expect(mail.text).toContain(`(image/png، ${String(PNG.length)} بايت): صورة ضمن الرسالة`);
      expect(mail.text).not.toContain('لم يُرفق');
    }
    // The outbox rows hold no bytes: the files were loaded from the attachment store at send time.
    const rows = await inst.db('outbox').where({ ticket_id: t.id }).select(inst.db.raw('octet_length(data::text) as n')) as { n: number | string }[];
    expect(Math.max(...rows.map((r) => Number(r.n)))).toBeLessThan(20 * KB);
  });

  it('attaches an oversized set up to the limit and names what was left out', async () => {
    const a = randomBytes(200 * KB);
    const b = randomBytes(150 * KB);
    const t = await send('فواتير الشحنة كاملة', [
      { filename: 'invoice-a.bin', content: a, contentType: 'application/octet-stream' },
      { filename: 'invoice-b.bin', content: b, contentType: 'application/octet-stream' },
    ]);
    const mail = await inst.waitForMail('head.ops', about(t.ref), 'the copy');
    expect(mail.attachments.map((x) => x.filename)).toEqual(['invoice-a.bin']);
    expect(sha(mail.attachments[0]?.content ?? Buffer.alloc(0))).toBe(sha(a));
    expect(mail.text).toContain('- \u2068invoice-b.bin\u2069 (application/octet-stream، 150 كيلوبايت): لم يُرفق (تجاوز الحد)');
    expect(mail.text).toContain('لم يُرفق ملف واحد لأن مرفقات النسخة لا تتجاوز 300 كيلوبايت في مجموعها: \u2068invoice-b.bin\u2069 (150 كيلوبايت)');
    expect(mail.html).toContain('لم يُرفق ملف واحد');
  });
});
