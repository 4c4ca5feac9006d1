/**
 * Untrusted text reaches the headers of the emails tasaeed sends: an inbound subject built to add header lines
 * (CR LF, and the line breaks that survive MIME encoding: U+2028, NEL, vertical tab) goes through the production
 * path (IMAP → ticket → outbox → mailer → LMTP → Dovecot) and is read back over IMAP. nodemailer already turns
 * CR LF into spaces; the other breaks it encodes faithfully, and a mail client would show them as new lines —
 * so only tasaeed's own cleaning (oneLine in mail-parse.ts, the subject rule in templates.ts) keeps them out.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

let inst: Installation;

const INJECTED = 'شحنة متأخرة 55\r\nBcc: everyone@evil.example\u2028X-Evil: 1\u0085X-Evil-2: 2\u000bCc: spy@evil.example\n\nbody';
const CLEAN = 'شحنة متأخرة 55 Bcc: everyone@evil.example X-Evil: 1 X-Evil-2: 2 Cc: spy@evil.example body';
/** Anything a reader's mail client could take for a line break or a control. */
const BREAKS = /[\p{Cc}\u2028\u2029]/u;

beforeAll(async () => {
  inst = await Installation.create('inject', [{ after: '1h', notify: ['general_manager'] }]);
  await inst.start();
});

afterAll(async () => {
  await inst.close();
});

function headerKeys(m: ParsedMail): string[] {
  return m.headerLines.map((h) => h.key.toLowerCase());
}

describe('an inbound subject that tries to add header lines', () => {
  it('stays one line inside the Subject of the copy and the acknowledgement, and adds no header', async () => {
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: INJECTED, body: 'الشحنة 55 متأخرة.' }));
    const ticket = await waitFor('the ticket', async () => await inst.db('tickets').first('ref', 'subject') as { ref: string; subject: string } | undefined);
    expect(ticket.subject).toBe(CLEAN);
    const copy = await inst.waitForMail('head.ops', (m) => (m.subject ?? '').includes(ticket.ref), 'the copy');
    const ack = await inst.waitForMail('clerk', (m) => (m.subject ?? '').includes(ticket.ref), 'the acknowledgement');
    for (const m of [copy, ack]) {
      const keys = headerKeys(m);
      expect(keys.filter((k) => ['bcc', 'cc', 'x-evil', 'x-evil-2'].includes(k))).toEqual([]);
      expect(keys.filter((k) => k === 'to')).toHaveLength(1);
      expect(keys.filter((k) => k === 'subject')).toHaveLength(1);
      expect(m.subject).not.toMatch(BREAKS);
      expect(m.subject).toContain(`\u2068${CLEAN}\u2069`);
    }
    expect(copy.to && !Array.isArray(copy.to) ? copy.to.value.map((a) => a.address) : []).toEqual([inst.addr('head.ops')]);
  });
});
