/**
 * Turns one stored inbound message into exactly one recorded outcome, in one transaction:
 * a new ticket, a change to a ticket, a recorded auto-reply/bounce/loop, a duplicate, or a quarantine row.
 */
import { noteInboundAttempts } from '../adapters/inbound-batch-store.ts';
import { claimInbound, finishInbound, isDuplicate, pendingInboundIds, storeRaw, type RawMessage } from '../adapters/inbound-store.ts';
import { isTransient, messageOf, TasaeedError } from '../errors.ts';
import type { AppDeps } from './deps.ts';
import { noEffects } from './effects.ts';
import { handleStored, type Outcome } from './handle-stored.ts';
import { BatchSize, commitBatch, CONFLICT, readBatch, type BatchFailed, type ReadBatch } from './ingest-batch.ts';

export type { Outcome } from './handle-stored.ts';

/**
 * Processes one pending inbound row; returns undefined when another worker has it or it is already done.
 * A transient failure (PostgreSQL restarting, a reset connection, a pool or DNS time-out) leaves the row pending
 * and throws a transient TasaeedError, so the caller retries later; only a failure of the message itself
 * quarantines it.
 */
export async function processInbound(deps: AppDeps, inboundId: number, attempt = 1): Promise<Outcome | undefined> {
  let effects = noEffects();
  let outcome: Outcome | undefined;
  try {
    outcome = await deps.db.transaction(async (tx) => {
      const row = await claimInbound(tx, inboundId);
      if (row === undefined) return undefined;
      const now = deps.clock.now();
      const handled = await handleStored(tx, deps, row, { duplicate: () => isDuplicate(tx, row) });
      await finishInbound(tx, row.id, now, { ...handled.outcome, fromEmail: handled.fromEmail, arrivedAt: handled.arrivedAt });
      effects = handled.effects;
      return { inboundId: row.id, ...handled.outcome };
    });
  } catch (err) {
    if (attempt < 3 && CONFLICT.has((err as { code?: string }).code ?? '')) return await processInbound(deps, inboundId, attempt + 1);
    if (isTransient(err)) {
      await noteInboundAttempts(deps.db, [inboundId], messageOf(err)).catch(() => undefined); // best effort: the server may be down
      throw new TasaeedError('POSTGRES_UNAVAILABLE', `inbound message ${String(inboundId)} stays pending: ${messageOf(err)}`, { cause: err });
    }
    const reason = `processing failed: ${messageOf(err)}`;
    deps.log.error({ err, inboundId }, 'inbound message quarantined');
    await deps.db.transaction(async (tx) => {
      if ((await claimInbound(tx, inboundId)) === undefined) return;
      await finishInbound(tx, inboundId, deps.clock.now(), { status: 'quarantined', kind: 'quarantine', reason });
    });
    return { inboundId, status: 'quarantined', kind: 'quarantine', reason, ticketId: null };
  }
  if (outcome !== undefined) {
    deps.log.info({ inboundId, kind: outcome.kind, ticketId: outcome.ticketId, reason: outcome.reason }, 'inbound processed');
    try {
      await deps.scheduler.schedule(effects);
    } catch (err) {
      // The rows are committed; the reconciler re-queues them.
      deps.log.warn({ err, inboundId }, 'could not queue effects now; the reconciler will');
    }
  }
  return outcome;
}

/**
 * Processes every pending row in arrival order (at start, after a crash, and after each fetch), a batch per
 * transaction (ingest-batch.ts): one message when mail trickles in, more while a backlog waits. One batch at a time
 * on purpose: tickets get their references in the order their emails arrived, and the path is bound by CPU and
 * system calls, not by waiting on PostgreSQL; the next batch is read and parsed while one commits. A failed batch
 * is taken again one message at a time. A stop ends the pass between two batches: the batch in its transaction
 * finishes, the rest stays pending.
 */
export async function processPending(deps: AppDeps, signal?: AbortSignal, size = new BatchSize()): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const stopped = (): boolean => signal?.aborted === true;
  for (;;) {
    if (stopped()) return outcomes;
    const ids = await pendingInboundIds(deps.db, 500);
    if (ids.length === 0) {
      size.idle();
      return outcomes;
    }
    const before = outcomes.length;
    let at = 0;
    const take = (): { ids: number[]; read: Promise<ReadBatch | BatchFailed> } | undefined => {
      if (at >= ids.length) return undefined;
      const batch = ids.slice(at, at + size.next);
      at += batch.length;
      const read = readBatch(deps, batch);
      read.catch(() => undefined); // awaited below; a stop may leave it unread
      return { ids: batch, read };
    };
    for (let current = take(); current !== undefined;) {
      if (stopped()) return outcomes; // a stop: the rest stays pending for the next start
      const ready = await current.read;
      if (at < ids.length) size.more();
      const following = take(); // read and parsed while this batch's transaction runs
      const done = 'failed' in ready ? ready : await commitBatch(deps, ready);
      if (Array.isArray(done)) {
        outcomes.push(...done);
      } else {
        deps.log.warn({ err: done.failed, inboundIds: current.ids }, 'batch failed; taking its messages one at a time');
        size.failed();
        for (const id of current.ids) {
          if (stopped()) return outcomes;
          const o = await processInbound(deps, id);
          if (o !== undefined) outcomes.push(o);
        }
      }
      current = following;
    }
    if (outcomes.length === before) return outcomes; // the rest is held by another process
  }
}

/** Stores messages from any source (IMAP or a file) and processes them. */
export async function ingestRaw(deps: AppDeps, messages: readonly RawMessage[]): Promise<Outcome[]> {
  await storeRaw(deps.db, messages);
  return await processPending(deps);
}
