/**
 * Deadlines fired in batches, on the real services: many due at once are each escalated exactly once with their
 * emails sent once (through the real workers and Dovecot), two processes firing batches over the same rows still
 * fire each once, a stale row is voided inside a batch, and a batch with a ticket that cannot fire falls back to
 * one timer at a time so the others still fire; a timer whose ticket another transaction is changing fires as soon
 * as that transaction ends, not in a later retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logger.ts';
import { parseTimerJobId, timerJobId } from '../../src/adapters/timer-jobs.ts';
import { fireTimerBatch } from '../../src/app/fire-timer-batch.ts';
import { openApp, type App } from '../../src/entry/main.ts';
import { startWorkers } from '../../src/entry/workers.ts';
import { Installation, waitFor } from '../support/harness.ts';
import { holdLock, lockWaiters } from '../support/pg-locks.ts';

type Key = { kind: 'escalate'; ticketId: number; level: number; seq: number };
const count = (rows: { n: string | number }[]) => Number(rows[0]?.n ?? 0);

describe('timers fired in batches', () => {
  let inst: Installation;
  let app: App;
  let other: App;

  beforeAll(async () => {
    inst = await Installation.create('batches', [
      { after: '1h', notify: ['general_manager'] }, { after: '1h', notify: ['customer_service_manager'] },
    ]);
    await inst.start(); // migrates
    await inst.stop();
    app = await openApp(inst.config, { log: createLogger('silent') });
    // A second process's pieces: its own pool, its own Redis connection.
    other = await openApp(inst.config, { log: createLogger('silent') });
  });
  afterAll(async () => {
    await other.close();
    await app.close();
    await inst.close();
  });

  /** `n` open tickets (subject `<label> <i>`) whose level-1 deadline fell due a second ago; their timer keys. */
  const dueTickets = async (label: string, n: number): Promise<Key[]> => {
    const ids = await inst.db.raw(`
      insert into tickets (subject, description, department_key, status, originator_email, created_at, updated_at)
      select ? || ' ' || g, 'وصف', 'operations', 'open', ?, now() - interval '2 hours', now() - interval '2 hours'
      from generate_series(1, ?) g returning id`, [label, inst.addr('clerk'), n]) as { rows: { id: number }[] };
    const keys = ids.rows.map((r): Key => ({ kind: 'escalate', ticketId: r.id, level: 1, seq: 0 }));
    await inst.db('deadlines').insert(keys.map((k) => ({ ticket_id: k.ticketId, kind: k.kind, level: 1, seq: 0, due_at: new Date(Date.now() - 1000) })));
    return keys;
  };
  const ofTickets = (keys: readonly Key[]) => keys.map((k) => k.ticketId);
  const escalatedEvents = async (keys: readonly Key[]) => await inst.db('ticket_events').whereIn('ticket_id', ofTickets(keys))
    .where({ kind: 'escalated' }).groupBy('ticket_id').select('ticket_id').count('* as n') as { ticket_id: number; n: string }[];
  const escalationEmails = async (keys: readonly Key[]) => await inst.db('outbox').whereIn('ticket_id', ofTickets(keys))
    .where({ template: 'escalation' }).groupBy('ticket_id', 'to_email').select('ticket_id', 'to_email').count('* as n') as { ticket_id: number; to_email: string; n: string }[];
  const statuses = async (keys: readonly Key[]) => await inst.db('deadlines').whereIn('ticket_id', ofTickets(keys))
    .where({ kind: 'escalate', level: 1 }).groupBy('status').select('status').count('* as n') as { status: string; n: string }[];

  /** Every ticket escalated once: level 1, one event, one email to the GM and one to the head, a level-2 deadline. */
  const expectEscalatedOnce = async (keys: readonly Key[]) => {
    expect(await statuses(keys)).toEqual([{ status: 'fired', n: keys.length }]);
    const levels = await inst.db('tickets').whereIn('id', ofTickets(keys)).distinct('level') as { level: number }[];
    expect(levels).toEqual([{ level: 1 }]);
    const events = await escalatedEvents(keys);
    expect(events).toHaveLength(keys.length);
    expect(events.every((e) => Number(e.n) === 1)).toBe(true);
    const emails = await escalationEmails(keys);
    expect(emails).toHaveLength(keys.length * 2);
    expect(emails.every((e) => Number(e.n) === 1)).toBe(true);
    expect(new Set(emails.map((e) => e.to_email))).toEqual(new Set([inst.addr('gm'), inst.addr('head.ops')]));
    const next = await inst.db('deadlines').whereIn('ticket_id', ofTickets(keys)).where({ kind: 'escalate', level: 2, status: 'pending' })
      .groupBy('ticket_id').select('ticket_id').count('* as n') as { ticket_id: number; n: string }[];
    expect(next).toHaveLength(keys.length);
    expect(next.every((r) => Number(r.n) === 1)).toBe(true);
  };

  it('fires 60 deadlines due at once through the workers: each escalated once, each email delivered once', { timeout: 120_000 }, async () => {
    const keys = await dueTickets('دفعة', 60);
    const workers = await startWorkers(app.deps, app.queues, inst.config.REDIS_URL);
    try {
      await app.queues.schedule({ outboxIds: [], timers: keys.map((k) => ({ ...k, dueAt: new Date(Date.now() - 1000) })) });
      await waitFor('every deadline to fire', async () => count(await inst.db('deadlines')
        .whereIn('ticket_id', ofTickets(keys)).where({ level: 1, status: 'fired' }).count('* as n') as { n: string }[]) === keys.length, 60_000);
      await expectEscalatedOnce(keys);
      const refs = (await inst.db('tickets').whereIn('id', ofTickets(keys)).select('ref') as { ref: string }[]).map((r) => r.ref);
      const gmMail = await waitFor('the GM\'s 60 escalation emails', async () => {
        const mail = (await inst.mailbox('gm')).filter((m) => refs.some((ref) => (m.subject ?? '').includes(ref)));
        return mail.length >= keys.length ? mail : undefined;
      }, 60_000);
      const perRef = refs.map((ref) => gmMail.filter((m) => (m.subject ?? '').includes(ref)).length);
      expect(perRef.every((n) => n === 1)).toBe(true);
      // The next level's alarms are in Redis, with ids that name their rows.
      const delayed = await app.queues.deadlines.getDelayed(0, 1000);
      const level2 = delayed.map((j) => parseTimerJobId(j.id)).filter((t) => t !== undefined && t.level === 2 && ofTickets(keys).includes(t.ticketId));
      expect(level2).toHaveLength(keys.length);
      expect(delayed.every((j) => j.name === parseTimerJobId(j.id)?.kind)).toBe(true);
    } finally {
      await workers.close();
    }
  });

  it('a job whose row another batch fired ends as settled, without firing it again', async () => {
    const keys = await dueTickets('مسبق', 5);
    const [first, second] = keys;
    // Their alarms, not yet run (no workers here).
    await app.queues.schedule({ outboxIds: [], timers: keys.map((k) => ({ ...k, dueAt: new Date(Date.now() + 3_600_000) })) });
    expect(await fireTimerBatch(app.deps, first!)).toEqual({ result: 'escalated' });
    // The batch dropped the alarms of the rows it fired for the others' jobs: nothing left for them to run.
    const left = await Promise.all(keys.map(async (k) => await app.queues.deadlines.getJob(timerJobId(k))));
    expect(left.filter((j) => j !== undefined).map((j) => j?.id)).toEqual([timerJobId(first!)]);
    expect(await fireTimerBatch(app.deps, second!)).toEqual({ result: 'settled' });
    await expectEscalatedOnce(keys);
  });

  it('two processes firing batches over the same due rows still fire each exactly once', { timeout: 120_000 }, async () => {
    const keys = await dueTickets('سباق', 120);
    // Each process runs the job of every timer, four at a time, in opposite orders, with small batches.
    const drive = async (a: App, order: readonly Key[]) => {
      const queue = [...order];
      const results: string[] = [];
      await Promise.all(Array.from({ length: 4 }, async () => {
        for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
          const r = await fireTimerBatch(a.deps, k, 25);
          results.push(r.result);
          if (r.result === 'busy') queue.push(k);
        }
      }));
      return results;
    };
    const [mine, theirs] = await Promise.all([drive(app, keys), drive(other, [...keys].reverse())]);
    expect(mine.filter((r) => r === 'escalated').length + theirs.filter((r) => r === 'escalated').length).toBeLessThan(keys.length);
    await expectEscalatedOnce(keys);
  });

  it('voids a stale row inside a batch (its ticket resolved, or already at that level) and fires the rest', async () => {
    const keys = await dueTickets('قديم', 10);
    const [resolved, raised] = keys;
    await inst.db('tickets').where({ id: resolved!.ticketId }).update({ status: 'resolved', resolved_at: new Date() });
    await inst.db('tickets').where({ id: raised!.ticketId }).update({ level: 1 });
    expect(await fireTimerBatch(app.deps, resolved!)).toEqual({ result: 'void' });
    const stale = [resolved!, raised!];
    const fresh = keys.slice(2);
    expect(await statuses(stale)).toEqual([{ status: 'void', n: 2 }]);
    expect(await escalatedEvents(stale)).toEqual([]);
    expect(await escalationEmails(stale)).toEqual([]);
    await expectEscalatedOnce(fresh);
  });

  it('a ticket with two levels due in one batch is raised once: its level-1 escalation voids the later one', async () => {
    const [key] = await dueTickets('مستويان', 1);
    await inst.db('deadlines').insert({ ticket_id: key!.ticketId, kind: 'escalate', level: 2, seq: 0, due_at: new Date(Date.now() - 500) });
    expect(await fireTimerBatch(app.deps, key!)).toEqual({ result: 'escalated' });
    const rows = await inst.db('deadlines').where({ ticket_id: key!.ticketId, kind: 'escalate' }).orderBy(['level', 'seq']).select('level', 'seq', 'status');
    expect(rows).toEqual([{ level: 1, seq: 0, status: 'fired' }, { level: 2, seq: 0, status: 'void' }, { level: 2, seq: 1, status: 'pending' }]);
    expect(await escalatedEvents([key!])).toEqual([{ ticket_id: key!.ticketId, n: 1 }]);
  });

  it('a customer update whose ticket another transaction holds waits for it and fires then, not in a later retry', async () => {
    const [key] = await dueTickets('تحديث', 1);
    const ticketId = key!.ticketId;
    await inst.db('tickets').where({ id: ticketId }).update({ customer_email: 'client@hospital.test' });
    // Only the customer update is due: the escalation is not.
    await inst.db('deadlines').where({ ticket_id: ticketId }).update({ due_at: new Date(Date.now() + 3_600_000) });
    const update = { kind: 'customer_update' as const, ticketId, level: 0, seq: 0 };
    await inst.db('deadlines').insert({ ticket_id: ticketId, kind: 'customer_update', level: 0, seq: 0, due_at: new Date(Date.now() - 1000) });
    // Another transaction changing the ticket (an escalation batch, a reply being applied).
    const held = await holdLock(inst.db, 'select id from tickets where id = ? for update', [ticketId]);
    let done: string | undefined;
    const fired = fireTimerBatch(app.deps, update).then((r) => { done = r.result; return r; });
    try {
      await waitFor('the update to wait for its ticket, or to give up', async () => done !== undefined || (await lockWaiters(inst.db)).length > 0);
      expect(done).toBeUndefined();
    } finally {
      await held.release();
    }
    expect(await fired).toEqual({ result: 'updated' });
    const emails = await inst.db('outbox').where({ ticket_id: ticketId, template: 'customer-update' }).select('to_email') as { to_email: string }[];
    expect(emails).toEqual([{ to_email: 'client@hospital.test' }]);
  });

  it('a ticket whose firing fails makes its batch fire one timer at a time: the others still fire', async () => {
    const keys = await dueTickets('معطوب', 8);
    const bad = keys[3]!;
    // The fault: PostgreSQL refuses any event of this one ticket (a permanent error, not an outage).
    await inst.db.raw(`create or replace function refuse_bad_ticket() returns trigger language plpgsql as $$
      begin raise exception 'ticket % cannot take events', new.ticket_id; end $$`);
    await inst.db.raw(`create trigger refuse_bad_ticket before insert on ticket_events for each row
      when (new.ticket_id = ${String(bad.ticketId)}) execute function refuse_bad_ticket()`);
    try {
      await expect(fireTimerBatch(app.deps, bad)).rejects.toThrow(/cannot take events/);
      await expectEscalatedOnce(keys.filter((k) => k !== bad));
      expect(await statuses([bad])).toEqual([{ status: 'pending', n: 1 }]);
      // The good ones were fired by the bad one's job, so their own jobs find them settled.
      expect(await fireTimerBatch(app.deps, keys[0]!)).toEqual({ result: 'settled' });
    } finally {
      await inst.db.raw('drop trigger refuse_bad_ticket on ticket_events');
    }
  });
});
