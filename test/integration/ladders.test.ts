/**
 * A per-priority ladder by email on the real services: a critical ticket escalates after its own few seconds to the
 * person its ladder names (the finance head here), not to the default ladder's General Manager, and the ticket's
 * timeline records which ladder applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);

describe('a ladder of its own for the critical priority', () => {
  let inst: Installation;
  beforeAll(async () => {
    inst = await Installation.create('ladders', [{ after: '1h', notify: ['general_manager'] }], {
      policy: (p, domain) => {
        p.priorities = [
          { key: 'critical', name: { ar: 'حرجة', en: 'Critical' }, keywords: ['حرج'], ladder: [{ after: '4s', notify: [`head.fin@${domain}`] }] },
          { key: 'normal', name: { ar: 'عادية', en: 'Normal' } },
        ];
        p.default_priority = 'normal';
      },
    });
    await inst.start();
  });
  afterAll(async () => { await inst.close(); });

  it('escalates to the people its ladder names, after its own time', async () => {
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: `core+operations@${inst.domain}`, subject: 'عطل حرج في نظام الشحن', body: 'النظام متوقف بالكامل.' }));
    const t = await waitFor('the ticket', async () => await inst.db('tickets').first('id', 'ref', 'priority') as { id: number; ref: string; priority: string } | undefined);
    expect(t.priority).toBe('critical');
    const mail = await inst.waitForMail('head.fin', (m) => about(t.ref)(m) && /المستوى 1/.test(m.subject ?? ''), 'the escalation to the finance head', 30_000);
    expect(mail.text).toContain('محمد الغامدي');
    const escalated = await inst.db('ticket_events').where({ ticket_id: t.id, kind: 'escalated' }).first('data') as { data: Record<string, unknown> };
    expect(escalated.data).toMatchObject({ level: 1, ladder: 'priority:critical' });
    expect((await inst.mailbox('gm')).filter(about(t.ref))).toHaveLength(0);
    const show = await inst.cli(['ticket', 'show', t.ref]);
    expect(show.stdout).toContain('سلم الأولوية critical');
  });
});
