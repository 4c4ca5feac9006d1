/**
 * Three `tasaeed start` on one database: exactly one IMAP IDLE session (counted by the IMAP server itself with
 * `doveadm who`), the holder killed with SIGKILL, another takes over and mail keeps flowing, no duplicates.
 * Private services: the session count must be this test's alone.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServices, type RunningServices } from '../../scripts/services.ts';
import { freePort } from '../../scripts/services/ports.ts';
import { Daemon } from '../support/daemon.ts';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';
import { imapSessions } from '../../scripts/services/restart.ts';

let svc: RunningServices;
let inst: Installation;
const daemons: Daemon[] = [];

beforeAll(async () => {
  svc = await startServices({ name: `takeover-${process.pid}`, mailboxes: [], password: 'pw' });
  inst = await Installation.create('takeover', [{ after: '1h', notify: ['general_manager'] }], { services: { name: svc.name, env: svc.env } });
  expect((await inst.cli(['migrate'])).code).toBe(0);
});

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  await inst?.close();
  await svc?.stop();
});

const holder = async (): Promise<{ holder: string; connected: boolean } | undefined> =>
  await inst.db('listener_state').first('holder', 'connected') as { holder: string; connected: boolean } | undefined;

const ticketsWith = async (subject: string): Promise<number> =>
  Number(((await inst.db('tickets').where({ subject }).count('* as n')) as { n: string }[])[0]?.n ?? 0);

const send = (subject: string): Promise<void> =>
  inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject, body: 'الشحنة متأخرة.' }));

test('three instances: one IDLE session; the holder killed, another takes over within ~10 s; no duplicates', async () => {
  for (const name of ['alpha', 'beta', 'gamma']) {
    const d = new Daemon(inst, name, { HTTP_PORT: String(await freePort()) });
    daemons.push(d);
    await d.start();
  }
  const core = inst.addr('core');
  const first = await waitFor('one holder with its IMAP session open', async () => { const h = await holder(); return h?.connected === true && h; });
  await waitFor('one IMAP session on the server', () => imapSessions(svc.name, core).then((n) => n === 1));

  for (let i = 1; i <= 5; i += 1) await send(`شحنة قبل ${i}`);
  await waitFor('5 tickets before the kill', async () => Number(((await inst.db('tickets').count('* as n')) as { n: string }[])[0]?.n) === 5);
  expect(await imapSessions(svc.name, core)).toBe(1);

  const leader = daemons.find((d) => d.name === first.holder);
  expect(leader).toBeDefined();
  const killedAt = Date.now();
  await leader?.kill();
  await send('شحنة بعد القتل');
  const next = await waitFor('another instance to hold the listener', async () => {
    const h = await holder();
    // At no moment two sessions: the dead holder's socket closed with it, the next one opens its own.
    expect(await imapSessions(svc.name, core)).toBeLessThanOrEqual(1);
    return h !== undefined && h.holder !== first.holder && h.connected && h;
  }, 20_000);
  const takeoverMs = Date.now() - killedAt;
  await waitFor('the email sent after the kill to become a ticket', async () => await ticketsWith('شحنة بعد القتل') === 1, 20_000);
  const flowingMs = Date.now() - killedAt;
  console.log(`listener takeover with three instances: ${takeoverMs} ms to a new IMAP session (${next.holder}), ${flowingMs} ms until the next email was a ticket`);
  expect(flowingMs).toBeLessThan(15_000);
  expect(await imapSessions(svc.name, core)).toBe(1);

  for (let i = 1; i <= 5; i += 1) await send(`شحنة بعد ${i}`);
  await waitFor('11 tickets', async () => Number(((await inst.db('tickets').count('* as n')) as { n: string }[])[0]?.n) === 11);
  const dup = await inst.db.raw(`select subject, count(*) as n from tickets group by subject having count(*) > 1`) as { rows: unknown[] };
  expect(dup.rows).toEqual([]);
  const inbound = await inst.db.raw(`select status, count(*) as n from inbound_messages group by status`) as { rows: { status: string; n: number }[] };
  expect(inbound.rows).toEqual([{ status: 'processed', n: 11 }]);
  // Every ticket got its one copy to the head: one email each, sent once.
  const sent = await inst.db.raw(`select count(*) as n, count(distinct ticket_id) as t from outbox where template = 'ticket-copy'`) as { rows: { n: number; t: number }[] };
  expect(sent.rows[0]).toEqual({ n: 11, t: 11 });
});
