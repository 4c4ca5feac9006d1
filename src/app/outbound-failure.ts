/**
 * What a failed send means. A transient failure (the server down, a 4xx, a refused login that an operator will fix)
 * keeps the email `retrying` with its last error and next attempt, for up to SEND_RETRY_FOR. A permanent answer
 * (a 5xx, a rejected recipient, a template that cannot render) or the end of that time marks it `failed` with the
 * reason at once, records it on the ticket and alerts the Core group once, as a bounce does.
 */
import { loadOutbound, markFailed, markRetrying } from '../adapters/outbox-store.ts';
import { addEvent, loadTicket } from '../adapters/ticket-store.ts';
import { causeCode, isTransient, messageOf, TasaeedError } from '../errors.ts';
import { snippet } from '../domain/mail-sanity.ts';
import type { AppDeps } from './deps.ts';
import { alertCore, NO_ALERT } from './record-bounce.ts';

export interface RetryPolicy {
  /** How long after an email was written it may still be retried. */
  retryForMs: number;
}

/** True when the email itself cannot be sent, whatever we wait for. A refused login is the operator's to fix. */
export function isPermanentSendFailure(err: unknown): boolean {
  if (err instanceof TasaeedError && err.code === 'SMTP_LOGIN_REFUSED') return false;
  return !isTransient(err);
}

/** Records the failure; returns what became of the email. `nextAttemptAt` is when the queue will try again. */
export async function recordSendFailure(deps: AppDeps, o: {
  outboxId: number; err: unknown; nextAttemptAt: Date; policy: RetryPolicy;
}): Promise<'retrying' | 'failed'> {
  const now = deps.clock.now();
  const message = messageOf(o.err);
  // When PostgreSQL is what is down, nothing can be recorded: the queue's own retry still holds the email.
  const row = await loadOutbound(deps.db, o.outboxId).catch(() => undefined);
  if (row === undefined) return 'retrying';
  const expired = now.getTime() - row.created_at.getTime() >= o.policy.retryForMs;
  if (!isPermanentSendFailure(o.err) && !expired) {
    await markRetrying(deps.db, o.outboxId, message, now, o.nextAttemptAt).catch(() => undefined);
    return 'retrying';
  }
  const reason = expired && !isPermanentSendFailure(o.err)
    ? `not delivered within ${String(Math.round(o.policy.retryForMs / 60_000))} min of retrying; last error: ${message}` : message;
  const effects = await deps.db.transaction(async (tx) => {
    const row = await markFailed(tx, o.outboxId, reason, now);
    if (row?.ticket_id == null || NO_ALERT.has(row.template)) return [];
    const ticket = await loadTicket(tx, row.ticket_id, true);
    if (ticket === undefined) return [];
    const status = causeCode(o.err) ?? (o.err instanceof TasaeedError ? o.err.code : '');
    const eventId = await addEvent(tx, {
      ticketId: ticket.id, kind: 'bounce', actor: null, at: now,
      data: { reason: 'the mail server did not accept our email', recipient: row.to_email, status, diagnostic: snippet(reason, 300), delayed: false, outboxId: row.id, template: row.template },
    });
    return await alertCore(tx, deps, { ticket, eventId, recipient: row.to_email, template: row.template, status, diagnostic: snippet(reason, 300) });
  });
  deps.log.warn({ outboxId: o.outboxId, reason }, 'email failed for good; recorded on its ticket and the Core group alerted');
  await deps.scheduler.schedule({ outboxIds: effects, timers: [] });
  return 'failed';
}
