/**
 * Big mail on the real services: messages over MAX_MESSAGE_BYTES (lowered to 2 MB here, with 5 MB messages) are
 * quarantined as too large with their real size, fetched as their header section only, their sender is told, and
 * the normal email after them still becomes a ticket. `quarantine retry` says where the message is and what to do,
 * and once the limit is raised it fetches the whole message from the mailbox and processes it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const MB = 1024 * 1024;
let inst: Installation;

/** A multipart message of about `bytes` with a base64 attachment, as an Outlook user attaching a big file sends it. */
function bigEmail(from: string, to: string, subject: string, bytes: number): Buffer {
  const line = `${randomBytes(57).toString('base64')}\r\n`;
  return Buffer.from([
    `From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <big.${randomBytes(6).toString('hex')}@dept.test>`,
    `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '',
    '--b', 'Content-Type: text/plain; charset=utf-8', '', 'نرفق لكم ملف الشحنات المتأخرة لمتابعة العميل 5120', '--b',
    'Content-Type: application/octet-stream; name="shipments.bin"', 'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="shipments.bin"', '', line.repeat(Math.ceil(bytes / line.length)), '--b--', '',
  ].join('\r\n'));
}

interface Row { id: number; uid: number; size: number; stored: number; body_kept: boolean; status: string; kind: string | null; reason: string | null }
const rows = async () => await inst.db('inbound_messages').orderBy('uid')
  .select('id', 'uid', 'size', inst.db.raw('octet_length(raw) as stored'), 'body_kept', 'status', 'kind', 'reason') as Row[];

beforeAll(async () => {
  inst = await Installation.create('bigmail', [{ after: '1h', notify: ['general_manager'] }], { env: () => ({ MAX_MESSAGE_BYTES: String(2 * MB) }) });
  await inst.start();
});

afterAll(async () => {
  await inst.close();
});

describe('big mail', () => {
  const big: Buffer[] = [];

  it('quarantines messages over MAX_MESSAGE_BYTES with their real size, keeps only their header, and tickets the email after them', async () => {
    for (let i = 1; i <= 3; i += 1) big.push(bigEmail(inst.addr('clerk'), inst.addr('core'), `shipments ${i}`, 5 * MB));
    await inst.withCoreImap(async (c) => { for (const raw of big) await c.append('INBOX', raw); });
    await inst.appendToCore(arabicEmail({
      from: inst.addr('clerk'), to: inst.addr('core'), subject: '[العمليات] تأخر شحنة العميل 5120', body: 'الشحنة متأخرة والعميل يطلب التصعيد.',
    }));
    const ticket = await waitFor('the ticket of the normal email', async () =>
      await inst.db('tickets').first('ref', 'subject') as { ref: string; subject: string } | undefined, 60_000);
    expect(ticket.subject).toBe('[العمليات] تأخر شحنة العميل 5120');

    const all = await waitFor('all four messages taken in', async () => { const r = await rows(); return r.length === 4 && r.every((x) => x.status !== 'pending') ? r : undefined; }, 30_000);
    const quarantined = all.slice(0, 3);
    expect(quarantined.map((r) => [r.status, r.size, r.body_kept])).toEqual(big.map((b) => ['quarantined', b.length, false]));
    for (const r of quarantined) {
      expect(r.reason).toMatch(new RegExp(`^message is ${r.size} bytes, over the limit of ${2 * MB} \\(sender told\\)$`));
      expect(r.stored).toBeLessThan(4096); // the header section, not the 5 MB
    }
    expect(all[3]?.status).toBe('processed');

    const told = await waitFor('three quarantine notices to the sender', async () => {
      const subjects = (await inst.mailbox('clerk')).map((m) => m.subject ?? '').filter((s) => s.startsWith('تعذّرت معالجة رسالتكم آلياً'));
      return subjects.length >= 3 ? subjects : undefined;
    }, 30_000);
    // The sender's subject is isolated (U+2068 … U+2069) so an English subject keeps its order in an Arabic line.
    expect(told.sort()).toEqual([1, 2, 3].map((i) => `تعذّرت معالجة رسالتكم آلياً: \u2068shipments ${i}\u2069`));
    const show = await inst.cli(['quarantine', 'show', String(quarantined[0]?.id), '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ subject: 'shipments 1', from: inst.addr('clerk'), size: big[0]?.length });
  });

  it('retry says where the message is and what to do; with the limit raised it fetches the message whole and makes a ticket', async () => {
    const [first] = await rows();
    const refused = await inst.cli(['quarantine', 'retry', String(first?.id)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`message ${first?.id} is ${first?.size} bytes, over MAX_MESSAGE_BYTES (${2 * MB}): only its header section was kept; the whole message is still in the mailbox INBOX at UID ${first?.uid}`);

    inst.env.MAX_MESSAGE_BYTES = String(10 * MB);
    const retried = await inst.cli(['quarantine', 'retry', String(first?.id)]);
    expect(retried.stdout).toMatch(/processed new — a new escalation: T-\d+/);
    const [after] = await rows();
    expect(after).toMatchObject({ status: 'processed', body_kept: true, size: big[0]?.length, stored: big[0]?.length });
    const attachment = await inst.db('inbound_attachments').where({ inbound_id: first?.id }).first('filename', inst.db.raw('content is not null as stored')) as { filename: string; stored: boolean };
    expect(attachment).toEqual({ filename: 'shipments.bin', stored: true });
    expect(await inst.db('tickets').count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 2 }]);
  });
});
