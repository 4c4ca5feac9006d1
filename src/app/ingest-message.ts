/**
 * Turns one stored inbound message into exactly one recorded outcome, in one transaction:
 * a new ticket, a change to a ticket, a recorded auto-reply/bounce/loop, a duplicate, or a quarantine row.
 */
import { withDeferredInserts } from '../adapters/deferred-inserts.ts';
import {
  claimInbound, claimInboundBatch, duplicateIds, finishInbound, finishInboundBatch, isDuplicate, pendingInboundIds, storeRaw,
  type Finished, type InboundRow, type RawMessage,
} from '../adapters/inbound-store.ts';
import { parseMail } from '../adapters/mail-parse.ts';
import { addEvent, addThreadIds, loadTicket, ticketOfThread, type Tx } from '../adapters/ticket-store.ts';
import { classify, type Classification, type MailKind } from '../domain/classify.ts';
import type { InboundMail } from '../domain/mail.ts';
import { LOOP_HEADER, type AppDeps } from './deps.ts';
import { mergeEffects, noEffects, type Effects } from './effects.ts';
import { applyReply } from './apply-command.ts';
import { openTicket } from './open-ticket.ts';

export interface Outcome {
  inboundId: number;
  status: 'processed' | 'quarantined' | 'duplicate';
  kind: MailKind | 'duplicate';
  reason: string;
  ticketId: number | null;
}

interface Handled { outcome: Omit<Outcome, 'inboundId'>; effects: Effects }

async function classifyStored(tx: Tx, deps: AppDeps, mail: InboundMail): Promise<Classification> {
  const referenced = [...mail.references, ...(mail.inReplyTo === null ? [] : [mail.inReplyTo])];
  return classify(mail, {
    coreMailbox: deps.policy.core.mailbox,
    loopHeader: LOOP_HEADER,
    threadTicketId: await ticketOfThread(tx, referenced),
  });
}

async function handle(tx: Tx, deps: AppDeps, mail: InboundMail, inboundId: number): Promise<Handled> {
  const c = await classifyStored(tx, deps, mail);
  const done = (status: Outcome['status'], reason: string, ticketId: number | null, effects = noEffects()): Handled =>
    ({ outcome: { status, kind: c.kind, reason, ticketId }, effects });
  const ticket = c.ticketId === undefined ? undefined : await loadTicket(tx, c.ticketId, true);
  switch (c.kind) {
    case 'quarantine':
      return done('quarantined', c.reason, null);
    case 'new': {
      const opened = await openTicket(tx, deps, mail, inboundId);
      return done('processed', `${c.reason}: ${opened.ticket.ref}`, opened.ticket.id, opened.effects);
    }
    case 'reply': {
      if (ticket === undefined) return done('quarantined', `reply to a ticket that does not exist (${c.via ?? ''} #${c.ticketId ?? ''})`, null);
      const applied = await applyReply(tx, deps, ticket, mail, inboundId);
      return done('processed', applied.reason, ticket.id, applied.effects);
    }
    case 'auto_reply':
    case 'bounce':
      if (ticket !== undefined) {
        await addThreadIds(tx, ticket.id, [mail.messageId]);
        await addEvent(tx, {
          ticketId: ticket.id, kind: c.kind, actor: mail.from?.email ?? null, inboundId, at: deps.clock.now(),
          data: { reason: c.reason, subject: mail.subject },
        });
      }
      return done('processed', `${c.reason} (recorded, not answered)`, ticket?.id ?? null);
    case 'loop':
      return done('processed', `${c.reason} (ignored)`, ticket?.id ?? null);
  }
}

/** The outcome of one claimed row: too big, a duplicate, or whatever its content makes it. */
async function decide(tx: Tx, deps: AppDeps, row: InboundRow, duplicate: boolean): Promise<Handled> {
  if (row.size > deps.maxMessageBytes) {
    return { outcome: { status: 'quarantined', kind: 'quarantine', ticketId: null,
      reason: `message is ${row.size} bytes, over the limit of ${deps.maxMessageBytes}` }, effects: noEffects() };
  }
  if (duplicate) {
    return { outcome: { status: 'duplicate', kind: 'duplicate', ticketId: null,
      reason: `the same message (${row.message_id ?? ''}) was already processed` }, effects: noEffects() };
  }
  return await handle(tx, deps, await parseMail(row.raw), row.id);
}

/** After commit: log each outcome and queue the effects (the reconciler re-queues them if Redis is away). */
async function committed(deps: AppDeps, outcomes: readonly Outcome[], effects: Effects): Promise<void> {
  for (const o of outcomes) {
    deps.log.info({ inboundId: o.inboundId, kind: o.kind, ticketId: o.ticketId, reason: o.reason }, 'inbound processed');
  }
  try {
    await deps.scheduler.schedule(effects);
  } catch (err) {
    deps.log.warn({ err, inboundIds: outcomes.map((o) => o.inboundId) }, 'could not queue effects now; the reconciler will');
  }
}

/** Processes one pending inbound row; returns undefined when another worker has it or it is already done. */
export async function processInbound(deps: AppDeps, inboundId: number): Promise<Outcome | undefined> {
  let effects = noEffects();
  let outcome: Outcome | undefined;
  try {
    outcome = await deps.db.transaction(async (tx) => {
      const row = await claimInbound(tx, inboundId);
      if (row === undefined) return undefined;
      const now = deps.clock.now();
      const handled = await decide(tx, deps, row, await isDuplicate(tx, row));
      await finishInbound(tx, row.id, now, handled.outcome);
      effects = handled.effects;
      return { inboundId: row.id, ...handled.outcome };
    });
  } catch (err) {
    const reason = `processing failed: ${err instanceof Error ? err.message : String(err)}`;
    deps.log.error({ err, inboundId }, 'inbound message quarantined');
    await deps.db.transaction(async (tx) => {
      if ((await claimInbound(tx, inboundId)) === undefined) return;
      await finishInbound(tx, inboundId, deps.clock.now(), { status: 'quarantined', kind: 'quarantine', reason });
    });
    return { inboundId, status: 'quarantined', kind: 'quarantine', reason, ticketId: null };
  }
  if (outcome !== undefined) await committed(deps, [outcome], effects);
  return outcome;
}

/**
 * Processes a batch of pending rows in one transaction, in id order, each exactly as processInbound would (the
 * deferred inserts only change how many round trips it takes). If anything fails, the whole transaction rolls back
 * and the rows are processed one by one, so that only the message at fault is quarantined.
 */
export async function processBatch(deps: AppDeps, ids: readonly number[]): Promise<Outcome[]> {
  const effects = noEffects();
  let outcomes: Outcome[];
  try {
    outcomes = await deps.db.transaction(async (tx) => {
      const rows = await claimInboundBatch(tx, ids);
      const duplicates = await duplicateIds(tx, rows);
      return await withDeferredInserts(tx, async (batch) => {
        const finished: Finished[] = [];
        const done: Outcome[] = [];
        for (const row of rows) {
          const at = deps.clock.now();
          const handled = await decide(batch, deps, row, duplicates.has(row.id));
          finished.push({ id: row.id, at, outcome: handled.outcome });
          done.push({ inboundId: row.id, ...handled.outcome });
          mergeEffects(effects, handled.effects);
        }
        await finishInboundBatch(batch, finished);
        return done;
      });
    });
  } catch (err) {
    deps.log.warn({ err: err instanceof Error ? err.message : String(err), ids: ids.length }, 'batch failed; processing its messages one by one');
    const one: Outcome[] = [];
    for (const id of ids) {
      const o = await processInbound(deps, id);
      if (o !== undefined) one.push(o);
    }
    return one;
  }
  await committed(deps, outcomes, effects);
  return outcomes;
}

/** Messages per transaction: a few round trips per batch instead of a dozen per message. */
const BATCH = 100;

/** Processes every pending row, oldest first (at start, after a crash, and after each fetch). */
export async function processPending(deps: AppDeps): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (;;) {
    const ids = await pendingInboundIds(deps.db, 500);
    if (ids.length === 0) return outcomes;
    const before = outcomes.length;
    for (let i = 0; i < ids.length; i += BATCH) outcomes.push(...await processBatch(deps, ids.slice(i, i + BATCH)));
    if (outcomes.length === before) return outcomes; // the rest is held by another process
  }
}

/** Stores messages from any source (IMAP or a file) and processes them. */
export async function ingestRaw(deps: AppDeps, messages: readonly RawMessage[]): Promise<Outcome[]> {
  await storeRaw(deps.db, messages);
  return await processPending(deps);
}
