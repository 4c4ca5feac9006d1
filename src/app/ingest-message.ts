/**
 * Turns one stored inbound message into exactly one recorded outcome, in one transaction:
 * a new ticket, a change to a ticket, a recorded auto-reply/bounce/loop, a duplicate, or a quarantine row.
 */
import { claimInbound, finishInbound, isDuplicate, noteInboundAttempt, pendingInboundIds, storeRaw, type InboundRow, type RawMessage } from '../adapters/inbound-store.ts';
import { parseMail } from '../adapters/mail-parse.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import type { MailKind } from '../domain/classify.ts';
import { isTransient, messageOf, TasaeedError } from '../errors.ts';
import { headerEnd } from '../domain/mail-sanity.ts';
import { oversize } from './classify-file.ts';
import type { AppDeps } from './deps.ts';
import { noEffects } from './effects.ts';
import { handleInbound, quarantined, type Handled } from './handle-inbound.ts';

export interface Outcome {
  inboundId: number;
  status: 'processed' | 'quarantined' | 'duplicate';
  kind: MailKind | 'duplicate' | 'report_reply';
  reason: string;
  ticketId: number | null;
}

/** An over-size message is not parsed; its header section alone says who to tell. */
async function tooLarge(tx: Tx, deps: AppDeps, row: InboundRow, reason: string): Promise<Handled> {
  const end = headerEnd(row.raw);
  const head = await parseMail(Buffer.concat([row.raw.subarray(0, end === -1 ? Math.min(row.raw.length, 65_536) : end), Buffer.from('\r\n\r\n')]));
  const from = head.from === null ? null : deps.directory.canonical(head.from.email);
  return await quarantined(tx, deps, { inboundId: row.id, code: 'too_large', reason, from, subject: head.subject });
}

const CONFLICT = new Set(['40P01', '40001']); // deadlock detected, serialization failure: retry at once

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
      let handled: Handled;
      const big = oversize(row.size, deps.maxMessageBytes);
      if (big !== undefined || !row.body_kept) {
        // A header section kept alone stays quarantined until `quarantine retry` fetches the whole message.
        handled = await tooLarge(tx, deps, row, big?.reason ?? `only the header section of this ${row.size}-byte message was kept`);
      } else if (await isDuplicate(tx, row)) {
        handled = { outcome: { status: 'duplicate', kind: 'duplicate', ticketId: null,
          reason: `the same message (${row.message_id ?? ''}) was already processed` }, effects: noEffects() };
      } else {
        handled = await handleInbound(tx, deps, row, await parseMail(row.raw));
      }
      await finishInbound(tx, row.id, now, { ...handled.outcome, fromEmail: handled.fromEmail, arrivedAt: handled.arrivedAt });
      effects = handled.effects;
      return { inboundId: row.id, ...handled.outcome };
    });
  } catch (err) {
    if (attempt < 3 && CONFLICT.has((err as { code?: string }).code ?? '')) return await processInbound(deps, inboundId, attempt + 1);
    if (isTransient(err)) {
      await noteInboundAttempt(deps.db, inboundId, messageOf(err)).catch(() => undefined); // best effort: the server may be down
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
 * Processes every pending row in arrival order (at start, after a crash, and after each fetch). One at a time on
 * purpose: tickets get their references in the order their emails arrived, and measuring showed no gain from
 * parallel transactions on this path (it is bound by CPU and system calls, not by waiting on PostgreSQL).
 */
export async function processPending(deps: AppDeps, signal?: AbortSignal): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const stopped = (): boolean => signal?.aborted === true;
  for (;;) {
    if (stopped()) return outcomes;
    const ids = await pendingInboundIds(deps.db, 500);
    if (ids.length === 0) return outcomes;
    const before = outcomes.length;
    for (const id of ids) {
      if (stopped()) return outcomes; // a stop: the rest stays pending for the next start
      const o = await processInbound(deps, id);
      if (o !== undefined) outcomes.push(o);
    }
    if (outcomes.length === before) return outcomes; // the rest is held by another process
  }
}

/** Stores messages from any source (IMAP or a file) and processes them. */
export async function ingestRaw(deps: AppDeps, messages: readonly RawMessage[]): Promise<Outcome[]> {
  await storeRaw(deps.db, messages);
  return await processPending(deps);
}
