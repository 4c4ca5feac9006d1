/**
 * Queues outbound emails whose Message-ID starts with the signed token of their ticket or report for that
 * recipient (<r-42-….uuid@domain>). Replies echo it in In-Reply-To and References, so a reply proves who it answers
 * even when the mail system has no plus addressing (REPLY_ADDRESS=plain).
 */
import { addOutbound, type NewOutbound } from '../adapters/outbox-store.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import { replyTokenLabel } from '../domain/reply-token.ts';
import { reportTokenLabel } from '../domain/report-reply-token.ts';
import type { AppDeps } from './deps.ts';

function tokenFor(secret: string, r: NewOutbound): string | undefined {
  if (r.ticketId !== null) return replyTokenLabel(secret, r.ticketId, r.to);
  if (r.reportRunId !== undefined && r.reportRunId !== null) return reportTokenLabel(secret, r.reportRunId, r.to);
  return undefined;
}

export async function queueEmails(tx: Tx, deps: AppDeps, at: Date, rows: readonly NewOutbound[]): Promise<number[]> {
  return await addOutbound(tx, deps.policy.organisation.domain, at, rows.map((r) => ({ ...r, messageIdToken: tokenFor(deps.replySecret, r) })));
}
