/**
 * The HTTP side of a running daemon, by real requests: health, readiness through a real PostgreSQL outage, metrics
 * that move as mail is processed, and the read-only queue dashboard behind ADMIN_TOKEN. Runs on private services
 * of its own, because it stops PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServices, type RunningServices } from '../../scripts/services.ts';
import { freePort } from '../../scripts/services/ports.ts';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';
import { startPostgresAgain, stopPostgres } from '../../scripts/services/restart.ts';

let svc: RunningServices;
let inst: Installation;
let base: string;
const token = randomBytes(24).toString('hex');

beforeAll(async () => {
  svc = await startServices({ name: `ops-http-${process.pid}`, mailboxes: [], password: 'pw' });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  inst = await Installation.create('opshttp', [{ after: '1h', notify: ['general_manager'] }], {
    services: { name: svc.name, env: svc.env }, env: () => ({ HTTP_PORT: String(port), ADMIN_TOKEN: token }),
  });
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await inst.start();
});

afterAll(async () => {
  await inst?.close();
  await svc?.stop();
});

const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> => {
  const r = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, text: await r.text() };
};

/** The value of one sample in Prometheus text, e.g. `tasaeed_outbox_emails{status="sent"}`. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test('/healthz and /readyz answer 200 with every check ok and the interface shape', async () => {
  expect((await get('/healthz')).status).toBe(200);
  const ready = await waitFor('/readyz 200', async () => { const r = await get('/readyz'); return r.status === 200 && r; });
  const body = JSON.parse(ready.text) as { status: string; checks: Record<string, { ok: boolean; lastSuccess: string | null; lastError: string | null }> };
  expect(body.status).toBe('ok');
  expect(Object.keys(body.checks).sort()).toEqual(['imap', 'postgres', 'redis', 'smtp']);
  for (const c of Object.values(body.checks)) {
    expect(c.ok).toBe(true);
    expect(Number.isNaN(Date.parse(c.lastSuccess ?? ''))).toBe(false);
  }
});

test('metric values move as mail is processed', async () => {
  const before = (await get('/metrics')).text;
  expect(before).toContain('tasaeed_imap_leader 1');
  expect(before).toContain('tasaeed_imap_connected 1');
  expect(before).toContain('tasaeed_process_cpu_seconds_total');
  expect(sample(before, 'tasaeed_inbound_messages_total{outcome="new"}') ?? 0).toBe(0);
  await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'تأخر شحنة العميل 4471', body: 'الشحنة متأخرة منذ يومين.' }));
  const after = await waitFor('the new ticket in the metrics', async () => {
    const m = (await get('/metrics')).text;
    return sample(m, 'tasaeed_inbound_messages_total{outcome="new"}') === 1
      && (sample(m, 'tasaeed_outbox_emails{status="sent"}') ?? 0) >= 1 && m;
  });
  expect(sample(after, 'tasaeed_tickets_open{level="0",department="operations"}')).toBe(1);
  expect(sample(after, 'tasaeed_deadlines_pending{kind="escalate"}')).toBe(1);
  expect(sample(after, 'tasaeed_ingest_latency_seconds_count')).toBe(1);
  expect(sample(after, 'tasaeed_timer_lag_seconds')).toBe(0);
  expect(after).toMatch(/tasaeed_queue_jobs\{queue="outbound",state="completed"\} [1-9]/);
});

test('the queue dashboard opens only with ADMIN_TOKEN, and is read-only', async () => {
  expect((await get('/admin/queues')).status).toBe(401);
  expect((await get('/admin/queues', { authorization: 'Bearer wrong-token-wrong-token-wrong' })).status).toBe(401);
  const page = await get('/admin/queues', { authorization: `Bearer ${token}` });
  expect(page.status).toBe(200);
  expect(page.text).toContain('<div id="root">');
  const api = await get('/admin/queues/api/queues', { authorization: `Bearer ${token}` });
  expect(api.status).toBe(200);
  const queues = (JSON.parse(api.text) as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
  expect(queues.map((q) => q.name).sort()).toEqual(['deadlines', 'outbound', 'reports', 'reviews']);
  expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  // A browser presents the token once and keeps it in a cookie for the dashboard's own API calls.
  const first = await fetch(`${base}/admin/queues?token=${token}`);
  const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
  expect((await get('/admin/queues/api/queues', { cookie })).status).toBe(200);
});

test('/readyz turns 503 within 15 s of stopping PostgreSQL, and 200 again after it is back', async () => {
  await stopPostgres(svc.name);
  const stoppedAt = Date.now();
  const down = await waitFor('/readyz 503', async () => { const r = await get('/readyz'); return r.status === 503 && r; }, 15_000);
  expect(Date.now() - stoppedAt).toBeLessThan(15_000);
  const body = JSON.parse(down.text) as { status: string; checks: { postgres: { ok: boolean; lastError: string | null } } };
  expect(body.status).toBe('degraded');
  expect(body.checks.postgres.ok).toBe(false);
  expect(body.checks.postgres.lastError).not.toBeNull();
  expect((await get('/healthz')).status).toBe(200);
  expect((await get('/metrics')).text).toContain('tasaeed_service_up{service="postgres"} 0');
  await startPostgresAgain(svc.name);
  await waitFor('/readyz 200 again', async () => (await get('/readyz')).status === 200, 30_000);
});
