/**
 * Batched ingest (group commit) over a stored backlog: many messages commit together, yet every message still
 * becomes exactly one outcome, tickets are numbered in arrival order, a message whose handling throws is quarantined
 * with its reason while the rest of its batch still becomes tickets, and copies of a message inside one batch or
 * across batches are duplicates. In-process, on the real PostgreSQL and Redis.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeRaw } from '../../src/adapters/inbound-store.ts';
import { createLogger } from '../../src/adapters/logger.ts';
import { processBatch } from '../../src/app/ingest-batch.ts';
import { processPending } from '../../src/app/ingest-message.ts';
import { openApp, type App } from '../../src/entry/main.ts';
import { arabicEmail, Installation } from '../support/harness.ts';

const MAILBOX = 'file:backlog';
const BACKLOG = 300;
/** Handling these throws (a trigger refuses their ticket): two side by side, one alone, one in the last batch. */
const BOOM = new Set([40, 150, 151, 290]);
/** A copy of an earlier message: in the same batch (10 → 11), in a later batch (100 → 250), of a quarantined one (150 → 152). */
const COPY_OF = new Map([[11, 10], [250, 100], [152, 150]]);
/** Not an email at all: quarantined by classification inside its batch, which does not fail. */
const GARBAGE = 200;

/** Counts the transactions that committed on the app's pool. */
function commitCounter(app: App): { readonly commits: number } {
  const counter = { commits: 0 };
  app.deps.db.on('query', (q: { sql: string }) => { if (/^commit\b/i.test(q.sql.trim())) counter.commits += 1; });
  return counter;
}

async function uniqueInstallation(label: string, maxPerSender: number): Promise<{ inst: Installation; app: App }> {
  const inst = await Installation.create(label, [{ after: '1h', notify: ['general_manager'] }], {
    policy: (p) => { p.inbound = { rate_limit: { max: maxPerSender, per: '10m' } }; },
  });
  await inst.cli(['migrate']);
  const app = await openApp(inst.config, { log: createLogger('silent') });
  return { inst, app };
}

describe('a backlog of stored mail, processed in batches', () => {
  let inst: Installation;
  let app: App;
  const email = (i: number, tag = ''): Buffer => Buffer.from(arabicEmail({
    from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: `فاتورة متأخرة ${tag}${String(i)}`, body: `الفاتورة ${String(i)} لم تُدفع.`,
  }));

  beforeAll(async () => {
    ({ inst, app } = await uniqueInstallation('batch', 100_000));
    // A failure inside a message's handling, as a defect or a constraint would cause it.
    await inst.db.raw(`
      create function test_boom() returns trigger language plpgsql as $$
      begin
        if new.subject like '%BOOM%' then raise exception 'boom: ticket refused for %', new.subject; end if;
        return new;
      end $$;
      create trigger test_boom before insert on tickets for each row execute function test_boom();`);
  });

  afterAll(async () => {
    await app.close();
    await inst.close();
  });

  it(`turns ${String(BACKLOG)} stored messages into one outcome each, in arrival order, with fewer commits than messages`, async () => {
    const raws: Buffer[] = [];
    for (let i = 0; i < BACKLOG; i += 1) {
      const copied = COPY_OF.get(i);
      if (copied !== undefined) raws.push(raws[copied] ?? Buffer.alloc(0));
      else if (i === GARBAGE) raws.push(readFileSync('test/fixtures/mail/garbage-not-an-email.eml'));
      else raws.push(email(i, BOOM.has(i) ? 'BOOM ' : ''));
    }
    const ids = await storeRaw(inst.db, raws.map((raw) => ({ mailbox: MAILBOX, uidvalidity: null, uid: null, raw })));
    expect(ids).toHaveLength(BACKLOG);

    const counter = commitCounter(app);
    const outcomes = await processPending(app.deps);
    expect(outcomes.map((o) => o.inboundId)).toEqual(ids); // each once, in arrival order

    const rows = await inst.db('inbound_messages as i').leftJoin('tickets as t', 't.id', 'i.ticket_id').where('i.mailbox', MAILBOX)
      .orderBy('i.id').select('i.id', 'i.status', 'i.kind', 'i.reason', 't.ref', 't.subject') as
      { id: number; status: string; kind: string; reason: string; ref: string | null; subject: string | null }[];
    const expected = (i: number): string => {
      if (BOOM.has(i) || i === GARBAGE) return 'quarantined';
      return COPY_OF.has(i) ? 'duplicate' : 'processed';
    };
    expect(rows.map((r) => r.status)).toEqual(raws.map((_, i) => expected(i)));
    for (const i of BOOM) expect(rows[i]?.reason).toMatch(/^processing failed: [\s\S]*boom: ticket refused for/);
    expect(rows[GARBAGE]?.reason).toBe('no sender address (From)');

    // Every other message became its own ticket, numbered in the order the emails arrived.
    const ticketed = rows.filter((r) => r.status === 'processed');
    expect(ticketed).toHaveLength(BACKLOG - BOOM.size - COPY_OF.size - 1);
    expect(ticketed.every((r) => r.kind === 'new' && r.ref !== null)).toBe(true);
    const numbers = ticketed.map((r) => Number(/\d+/.exec(r.ref ?? '')?.[0]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(await inst.db('tickets').count<{ n: number }[]>({ n: '*' })).toEqual([{ n: ticketed.length }]);

    // Each ticket's copy and acknowledgement stored once and queued once, after commit.
    const outbox = await inst.db('outbox').select('id', 'template') as { id: number; template: string }[];
    expect(outbox.filter((o) => o.template === 'ticket-copy')).toHaveLength(ticketed.length);
    expect(outbox.filter((o) => o.template === 'ack')).toHaveLength(ticketed.length);
    const jobs = await app.queues.outbound.getJobCounts('waiting', 'delayed', 'prioritized');
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(outbox.length);

    // Batches formed: one commit per batch, plus one per message of the three batches that fell back.
    console.log(`${String(BACKLOG)} messages, ${String(counter.commits)} commits`);
    expect(counter.commits).toBeLessThan(BACKLOG * 0.6);
  });

  it('commits a clean backlog in a handful of transactions', async () => {
    const raws = Array.from({ length: 200 }, (_, i) => email(1000 + i));
    await storeRaw(inst.db, raws.map((raw) => ({ mailbox: MAILBOX, uidvalidity: null, uid: null, raw })));
    const counter = commitCounter(app);
    const outcomes = await processPending(app.deps);
    expect(outcomes.map((o) => o.status)).toEqual(raws.map(() => 'processed'));
    // 1 + 2 + 4 + … + 64, then 64s: about a dozen; one transaction per message would be 200.
    expect(counter.commits).toBeLessThanOrEqual(12);
  });
});

describe('a sender writing many times within one batch', () => {
  let inst: Installation;
  let app: App;

  beforeAll(async () => {
    ({ inst, app } = await uniqueInstallation('storm', 3));
  });

  afterAll(async () => {
    await app.close();
    await inst.close();
  });

  it('counts the earlier messages of the same batch toward the rate limit', async () => {
    const raws = Array.from({ length: 6 }, (_, i) => Buffer.from(arabicEmail({
      from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: `شحنة متأخرة ${String(i)}`, body: 'لم تصل الشحنة.',
    })));
    const ids = await storeRaw(inst.db, raws.map((raw) => ({ mailbox: MAILBOX, uidvalidity: null, uid: null, raw })));
    const outcomes = await processBatch(app.deps, ids);
    expect(Array.isArray(outcomes)).toBe(true);
    const kinds = Array.isArray(outcomes) ? outcomes.map((o) => o.kind) : [];
    expect(kinds).toEqual(['new', 'new', 'new', 'loop', 'loop', 'loop']);
    expect(Array.isArray(outcomes) ? outcomes[3]?.reason : '').toMatch(/^rate limit: 3 earlier messages/);
    expect(await inst.db('tickets').count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 3 }]);
  });
});
