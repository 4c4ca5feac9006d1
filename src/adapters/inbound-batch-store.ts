/**
 * Inbound rows taken many at a time (group commit): read a batch of pending rows before the transaction (so parsing
 * happens outside it), lock them inside it, find the ones already seen in one statement, and record every outcome
 * of the batch in one update.
 */
import type { InboundRow, InboundStatus } from './inbound-store.ts';
import type { Tx } from './ticket-store.ts';

/** The pending rows among `ids`, in arrival order, with their raw bytes; no lock is taken. */
export async function pendingRows(tx: Tx, ids: readonly number[]): Promise<InboundRow[]> {
  if (ids.length === 0) return [];
  return await tx<InboundRow>('inbound_messages').whereIn('id', ids).where({ status: 'pending' }).orderBy('id').select('*');
}

/** What the lock returns of a row: enough to tell that the bytes read before the transaction are still its bytes. */
export interface ClaimedRow {
  id: number;
  sha256: string;
}

/**
 * Locks the pending rows among `ids` that no other process holds, with the same advisory lock per Message-ID as a
 * single claim (inbound-store.ts claimInbound), so two copies of one message are never processed side by side.
 */
export async function claimInboundBatch(tx: Tx, ids: readonly number[]): Promise<ClaimedRow[]> {
  if (ids.length === 0) return [];
  return await tx('inbound_messages').whereIn('id', ids).where({ status: 'pending' }).orderBy('id').forUpdate().skipLocked()
    .select('id', 'sha256', tx.raw('pg_advisory_xact_lock(hashtext(coalesce(message_id, id::text)))')) as ClaimedRow[];
}

/** The ids among `rows` whose message (Message-ID and bytes) was already turned into an outcome by an earlier row. */
export async function duplicateIds(tx: Tx, rows: readonly Pick<InboundRow, 'id' | 'message_id' | 'sha256' | 'content_sha256'>[]): Promise<Set<number>> {
  const withId = rows.filter((r) => r.message_id !== null);
  if (withId.length === 0) return new Set();
  const batch = JSON.stringify(withId.map((r) => ({ id: r.id, message_id: r.message_id, sha256: r.sha256, content_sha256: r.content_sha256 })));
  const result = await tx.raw(`
    select b.id from jsonb_to_recordset(?::jsonb) as b(id int8, message_id text, sha256 text, content_sha256 text)
    where exists (
      select 1 from inbound_messages m
      where m.message_id = b.message_id and (m.sha256 = b.sha256 or m.content_sha256 = b.content_sha256)
        and m.id <> b.id and m.status in ('processed', 'quarantined'))`, [batch]) as { rows: { id: number }[] };
  return new Set(result.rows.map((r) => r.id));
}

/** countRecentFrom (inbound-store.ts) for many messages in one statement: by id, how many earlier messages each sender sent. */
export async function countRecentFromMany(tx: Tx, asked: readonly { id: number; email: string; arrivedAt: Date }[], windowMs: number): Promise<Map<number, number>> {
  if (asked.length === 0) return new Map();
  const result = await tx.raw(`
    select b.id, (
      select count(*) from inbound_messages m
      where m.from_email = b.email and m.id <> b.id and m.arrived_at > b.at - ? * interval '1 millisecond' and m.arrived_at <= b.at
        and m.status in ('processed', 'quarantined') and m.kind is distinct from 'reply') as n
    from jsonb_to_recordset(?::jsonb) as b(id int8, email text, at timestamptz)`,
  [windowMs, JSON.stringify(asked.map((a) => ({ id: a.id, email: a.email, at: a.arrivedAt })))]) as { rows: { id: number; n: number }[] };
  return new Map(result.rows.map((r) => [r.id, r.n]));
}

export interface FinishedInbound {
  id: number;
  status: Exclude<InboundStatus, 'pending'>;
  kind: string;
  reason: string;
  ticketId: number | null;
  /** Undefined: left as it is (the same as finishInbound). */
  fromEmail?: string | null | undefined;
  arrivedAt?: Date | undefined;
}

/** Records the outcomes of a batch in one statement (inbound-store.ts finishInbound, many rows at once). */
export async function finishInboundBatch(tx: Tx, at: Date, rows: readonly FinishedInbound[]): Promise<void> {
  if (rows.length === 0) return;
  const batch = JSON.stringify(rows.map((r) => ({
    id: r.id, status: r.status, kind: r.kind, reason: r.reason.slice(0, 2000), ticket_id: r.ticketId,
    set_from: r.fromEmail !== undefined, from_email: r.fromEmail ?? null, arrived_at: r.arrivedAt ?? null,
  })));
  await tx.raw(`
    update inbound_messages m set status = v.status, kind = v.kind, reason = v.reason, ticket_id = v.ticket_id, processed_at = ?,
      from_email = case when v.set_from then v.from_email else m.from_email end,
      arrived_at = coalesce(v.arrived_at, m.arrived_at)
    from jsonb_to_recordset(?::jsonb)
      as v(id int8, status text, kind text, reason text, ticket_id int8, set_from bool, from_email text, arrived_at timestamptz)
    where m.id = v.id`, [at, batch]);
}
/** Counts a transient failure on rows that stay pending (shown by `status`). */
export async function noteInboundAttempts(tx: Tx, ids: readonly number[], error: string): Promise<void> {
  if (ids.length === 0) return;
  await tx('inbound_messages').whereIn('id', ids).where({ status: 'pending' })
    .update({ attempts: tx.raw('attempts + 1'), last_error: error.slice(0, 2000) });
}
