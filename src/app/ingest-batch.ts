/**
 * Group commit: many stored messages in one transaction, in arrival order (so ticket references stay in arrival
 * order), parsed before the transaction opens, recorded as done with one update and queued with one call after
 * commit. Each message still becomes exactly one outcome: when the batch fails, nothing of it is kept and the caller
 * takes its messages one at a time (ingest-message.ts), so only a bad message is quarantined.
 */
import { claimInboundBatch, countRecentFromMany, duplicateIds, finishInboundBatch, noteInboundAttempts, pendingRows, type FinishedInbound } from '../adapters/inbound-batch-store.ts';
import { countRecentFrom, type InboundRow } from '../adapters/inbound-store.ts';
import { parseMail } from '../adapters/mail-parse.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import type { InboundMail } from '../domain/mail.ts';
import { isTransient, messageOf, TasaeedError } from '../errors.ts';
import type { AppDeps } from './deps.ts';
import { mergeEffects, noEffects, type Effects } from './effects.ts';
import { senderOf, type EarlierInBatch, type Handled } from './handle-inbound.ts';
import { handleStored, parsedWhole, type Outcome } from './handle-stored.ts';

/** deadlock detected, serialization failure: the batch is taken one message at a time. */
export const CONFLICT = new Set(['40P01', '40001']);

/**
 * How many messages the next batch takes: one when mail trickles in (a batch never waits for mail), doubling while
 * a backlog remains, back to one after a failed batch, halving when a pass found nothing more.
 */
export class BatchSize {
  private size = 1;

  constructor(readonly max = 64) {}

  get next(): number { return this.size; }

  more(): void { this.size = Math.min(this.size * 2, this.max); }

  failed(): void { this.size = 1; }

  idle(): void { this.size = Math.max(1, Math.floor(this.size / 2)); }
}

type Same = Pick<InboundRow, 'message_id' | 'sha256' | 'content_sha256'>;

/** The batch's messages handled so far, which the database does not show as done until the batch commits. */
class Earlier implements EarlierInBatch {
  readonly finished: FinishedInbound[] = [];
  private readonly rows: (Same & FinishedInbound)[] = [];

  /** `counted`: what the database said for each message of the batch before the first was handled. */
  constructor(private readonly tx: Tx, private readonly counted: ReadonlyMap<number, number>) {}

  add(row: InboundRow, h: Handled): void {
    const f: FinishedInbound = { id: row.id, ...h.outcome, fromEmail: h.fromEmail, arrivedAt: h.arrivedAt };
    this.finished.push(f);
    this.rows.push({ ...f, message_id: row.message_id, sha256: row.sha256, content_sha256: row.content_sha256 });
  }

  /** Like inbound-store.ts isDuplicate, over the batch's earlier messages. */
  duplicate(row: Same): boolean {
    if (row.message_id === null) return false;
    return this.rows.some((e) => (e.status === 'processed' || e.status === 'quarantined') && e.message_id === row.message_id
      && (e.sha256 === row.sha256 || (row.content_sha256 !== null && e.content_sha256 === row.content_sha256)));
  }

  /** The database's count, and the batch's earlier messages that count the same way (inbound-store.ts countRecentFrom). */
  async recentFrom(o: { id: number; email: string; arrivedAt: Date; windowMs: number }): Promise<number> {
    const from = o.arrivedAt.getTime() - o.windowMs;
    const inBatch = this.rows.filter((e) => e.fromEmail === o.email && e.arrivedAt !== undefined && e.kind !== 'reply'
      && (e.status === 'processed' || e.status === 'quarantined')
      && e.arrivedAt.getTime() > from && e.arrivedAt.getTime() <= o.arrivedAt.getTime()).length;
    return (this.counted.get(o.id) ?? await countRecentFrom(this.tx, o)) + inBatch;
  }
}

/** The messages of the batch that have a sender, for counting what each sender sent before (the rate limit). */
function senders(deps: AppDeps, rows: readonly InboundRow[], mails: ReadonlyMap<number, InboundMail>): { id: number; email: string; arrivedAt: Date }[] {
  return rows.flatMap((row) => {
    const mail = mails.get(row.id);
    const s = mail === undefined ? undefined : senderOf(deps, row, mail);
    return s?.sender === null || s === undefined ? [] : [{ id: row.id, email: s.sender, arrivedAt: s.arrivedAt }];
  });
}

/** A batch that must be taken one message at a time; the reason is logged. */
export interface BatchFailed { failed: unknown }

/** A batch read and parsed, ready for its transaction. */
export interface ReadBatch {
  ids: readonly number[];
  rows: InboundRow[];
  mails: Map<number, InboundMail>;
}

const failure = (deps: AppDeps, ids: readonly number[]) => async (err: unknown): Promise<BatchFailed> => {
  if (!CONFLICT.has((err as { code?: string }).code ?? '') && isTransient(err)) {
    await noteInboundAttempts(deps.db, ids, messageOf(err)).catch(() => undefined); // best effort: the server may be down
    throw new TasaeedError('POSTGRES_UNAVAILABLE', `inbound messages ${String(ids[0])}–${String(ids.at(-1))} stay pending: ${messageOf(err)}`, { cause: err });
  }
  return { failed: err };
};

/**
 * Reads the pending rows among `ids` and parses them, outside any transaction (ingest-message.ts reads the next
 * batch while this one commits). A transient failure throws a transient TasaeedError, as the single path does.
 */
export async function readBatch(deps: AppDeps, ids: readonly number[]): Promise<ReadBatch | BatchFailed> {
  try {
    const rows = await pendingRows(deps.db, ids);
    const mails = new Map<number, InboundMail>();
    for (const row of rows) if (parsedWhole(deps, row)) mails.set(row.id, await parseMail(row.raw));
    return { ids, rows, mails };
  } catch (err) {
    return await failure(deps, ids)(err);
  }
}

/**
 * Processes a read batch (in arrival order) in one transaction. Returns its outcomes (rows another process holds
 * are left out), or `failed` when the caller should take them one at a time. A transient failure (PostgreSQL gone)
 * leaves every row pending and throws a transient TasaeedError, as the single path does.
 */
export async function commitBatch(deps: AppDeps, { ids, rows, mails }: ReadBatch): Promise<Outcome[] | BatchFailed> {
  if (rows.length === 0) return [];
  const effects: Effects = noEffects();
  let outcomes: Outcome[];
  try {
    outcomes = await deps.db.transaction(async (tx) => {
      const claimed = new Map((await claimInboundBatch(tx, rows.map((r) => r.id))).map((c) => [c.id, c.sha256]));
      // Bytes replaced since they were read (`quarantine retry` of a header-only message) wait for the next pass.
      const taken = rows.filter((r) => claimed.get(r.id) === r.sha256);
      const seen = await duplicateIds(tx, taken.filter((r) => mails.has(r.id)));
      const earlier = new Earlier(tx, await countRecentFromMany(tx, senders(deps, taken, mails), deps.policy.inbound.rate_limit.per));
      const now = deps.clock.now();
      const done: Outcome[] = [];
      for (const row of taken) {
        const handled = await handleStored(tx, deps, row, {
          mail: mails.get(row.id), duplicate: () => seen.has(row.id) || earlier.duplicate(row), earlier,
        });
        earlier.add(row, handled);
        done.push({ inboundId: row.id, ...handled.outcome });
        mergeEffects(effects, handled.effects);
      }
      await finishInboundBatch(tx, now, earlier.finished);
      return done;
    });
  } catch (err) {
    return await failure(deps, ids)(err);
  }
  for (const o of outcomes) deps.log.info({ inboundId: o.inboundId, kind: o.kind, ticketId: o.ticketId, reason: o.reason }, 'inbound processed');
  try {
    await deps.scheduler.schedule(effects);
  } catch (err) {
    // The rows are committed; the reconciler re-queues them.
    deps.log.warn({ err, inboundIds: outcomes.map((o) => o.inboundId) }, 'could not queue effects now; the reconciler will');
  }
  return outcomes;
}

/** Reads and commits the pending rows among `ids` as one batch. */
export async function processBatch(deps: AppDeps, ids: readonly number[]): Promise<Outcome[] | BatchFailed> {
  const read = await readBatch(deps, ids);
  return 'failed' in read ? read : await commitBatch(deps, read);
}
