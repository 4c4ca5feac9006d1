/**
 * Untrusted text from an inbound message (its subject, the sender's name, a mail server's diagnostic) ends up in
 * emails we send. Every template's subject comes out on one line whatever the data holds (the end-to-end check,
 * through the real mailer and mail server, is test/integration/header-injection.test.ts), and HTML is escaped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../src/adapters/mail-parse.ts';
import { Templates } from '../../src/adapters/templates.ts';

const templates = new Templates();
const view = (subject: string) => ({
  ref: 'T-000012', subject, description: 'd', department: null, originator: 'x', createdAt: 'c', dueAt: 'd', priority: 'p',
});

describe('untrusted text and outgoing headers', () => {
  it('renders every subject on one line, an injected "Bcc:" kept inside it', async () => {
    const mail = await parseMail(readFileSync('test/fixtures/mail/header-injection-subject.eml'));
    for (const name of ['ack', 'ticket-copy', 'triage', 'bounce-alert', 'reopened', 'quarantine-notice', 'escalation', 'resolved',
      'command-refused', 'reminder', 'customer-update', 'assigned', 'contact', 'policy-summary']) {
      for (const locale of ['ar', 'en'] as const) {
        const r = templates.render(name, locale, {
          org: 'o', title: mail.subject, recipient: 'r', ticket: view(`${mail.subject}\r\nBcc: raw@evil.example`), window: 'w', nextLevel: 'n',
          departments: [], example: '', failedRecipient: 'a@b.test', failedName: 'n', what: null, status: '5.1.1', diagnostic: null,
          by: 'b', text: null, previousRootCause: null, subject: `${mail.subject}\nX-Evil: 2`, reason: 'r', receivedAt: 't', core: 'core@ufuq.test',
          level: 1, levelName: 'l', manual: false, overdueSince: 'o', history: [], resolvedBy: 'b', resolvedAt: 't', rootCause: 'c',
          prevention: 'p', comment: null, command: '#x', commands: [], percent: 50, breached: false, left: '1h', plan: null,
          lastActivity: null, escalated: false, resolved: false, message: null, priorities: [], ladder: [], hours: 'h',
          reminders: 'r', updates: 'u', standardsUrl: null,
        });
        expect(r.subject).not.toMatch(/[\r\n\t]/);
      }
    }
  });

  it('escapes a mail server diagnostic in the HTML of the bounce alert', () => {
    const r = templates.render('bounce-alert', 'ar', {
      org: 'o', title: 't', recipient: 'r', ticket: view('s'), failedRecipient: 'head@ufuq.test', failedName: 'رئيس',
      what: 'نسخة التذكرة', status: '5.1.1', diagnostic: '550 <script>alert(1)</script>',
    });
    expect(r.html).toContain('&lt;script&gt;');
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('dir="rtl"');
    expect(r.subject).toBe('[T-000012] تعذّر تسليم رسالة من التذكرة: \u2068s\u2069');
  });
});
