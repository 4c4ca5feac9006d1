/**
 * An IMAP outage longer than the policy's threshold: the Core mailbox's login is refused (its password changed
 * on the real Dovecot, its session kicked). The Core group gets one alert while it lasts and one recovery email
 * after it ends; `tasaeed status` shows the incident and exits 1 meanwhile. Private services: it changes a login.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { startServices, type RunningServices } from '../../scripts/services.ts';
import { Installation, PASSWORD, waitFor } from '../support/harness.ts';
import { changePassword } from '../../scripts/services/restart.ts';

let svc: RunningServices;
let inst: Installation;

beforeAll(async () => {
  svc = await startServices({ name: `alerts-${process.pid}`, mailboxes: [], password: PASSWORD });
  inst = await Installation.create('alerts', [{ after: '1h', notify: ['general_manager'] }], {
    services: { name: svc.name, env: svc.env }, policy: { alerts: { imap_down_after: '3s', check_every: '1s' } },
  });
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await inst.start();
});

afterAll(async () => {
  await inst?.close();
  await svc?.stop();
});

const isAlert = (m: ParsedMail): boolean => (m.subject ?? '').includes('تنبيه: توقف استقبال البريد');
const isRecovery = (m: ParsedMail): boolean => (m.subject ?? '').includes('انتهى: توقف استقبال البريد');

test('an IMAP login refused for longer than the threshold sends one alert and one recovery email', async () => {
  const ok = await inst.cli(['status', '--json']);
  expect(ok.code).toBe(0);
  const healthy = JSON.parse(ok.stdout) as { status: string; listener: { connected: boolean; leader: string } };
  expect(healthy.status).toBe('ok');
  expect(healthy.listener.connected).toBe(true);

  await changePassword(svc.name, inst.addr('core'), 'changed-by-the-administrator');
  const alert = await inst.waitForMail('desk', isAlert, 'the IMAP alert', 30_000);
  expect(alert.text).toContain('لا يتصل نظام التصعيد بصندوق الكور');
  expect(alert.html).toContain('dir="rtl"');
  expect(alert.text).not.toMatch(/[A-Za-z]{4,} (since|mailbox)/); // an Arabic reader sees Arabic only

  const degraded = await inst.cli(['status', '--json']);
  expect(degraded.code).toBe(1);
  const s = JSON.parse(degraded.stdout) as { status: string; incidents: { open: { kind: string }[] }; checks: { imap: { ok: boolean } } };
  expect(s.status).toBe('degraded');
  expect(s.incidents.open.map((i) => i.kind)).toEqual(['imap_down']);
  expect(s.checks.imap.ok).toBe(false);

  await changePassword(svc.name, inst.addr('core'), PASSWORD);
  await inst.waitForMail('desk', isRecovery, 'the recovery email', 60_000);
  const desk = await inst.mailbox('desk');
  expect(desk.filter(isAlert)).toHaveLength(1);
  expect(desk.filter(isRecovery)).toHaveLength(1);
  // Both emails are traceable to the incident.
  const rows = await inst.db('outbox').whereNotNull('incident_id').select('template', 'incident_id', 'status') as { template: string; incident_id: number; status: string }[];
  expect(rows.map((r) => r.template).sort()).toEqual(['incident-closed', 'incident-opened']);
  expect(new Set(rows.map((r) => r.incident_id)).size).toBe(1);
  const incidents = await inst.db('incidents').select('kind', 'ended_at') as { kind: string; ended_at: Date | null }[];
  expect(incidents).toHaveLength(1);
  expect(incidents[0]?.ended_at).not.toBeNull();
  await waitFor('status ok again', async () => (await inst.cli(['status'])).code === 0, 20_000);
});
