/** Raw inbound messages, stored before anything else happens to them, and the IMAP cursor per mailbox. */
import { createHash } from 'node:crypto';
import type { Tx } from './ticket-store.ts';

export interface RawMessage {
  mailbox: string;
  uidvalidity: number | null;
  uid: number | null;
  raw: Buffer;
}

export type InboundStatus = 'pending' | 'processed' | 'quarantined' | 'duplicate';

export interface InboundRow {
  id: number;
  mailbox: string;
  uidvalidity: number | null;
  uid: number | null;
  message_id: string | null;
  sha256: string;
  size: number;
  raw: Buffer;
  status: InboundStatus;
  kind: string | null;
  reason: string | null;
  ticket_id: number | null;
  received_at: Date;
}

/** The Message-ID from the header block, without parsing the whole message. */
export function headerMessageId(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 65_536) : end).toString('latin1');
  const m = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]{1,900}>)/im.exec(head);
  return m?.[1] ?? null;
}

/** Inserts raw messages; ones already stored (same mailbox, UIDVALIDITY and UID) are skipped. Returns new ids. */
export async function storeRaw(tx: Tx, messages: readonly RawMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => ({
    mailbox: m.mailbox, uidvalidity: m.uidvalidity, uid: m.uid, raw: m.raw, size: m.raw.length,
    message_id: headerMessageId(m.raw), sha256: createHash('sha256').update(m.raw).digest('hex'),
  }));
  const inserted = await tx('inbound_messages').insert(rows)
    .onConflict(tx.raw('(mailbox, uidvalidity, uid) where uid is not null')).ignore()
    .returning('id') as { id: number }[];
  return inserted.map((r) => r.id);
}

export async function claimInbound(tx: Tx, id: number): Promise<InboundRow | undefined> {
  return await tx<InboundRow>('inbound_messages').where({ id, status: 'pending' }).forUpdate().skipLocked().first();
}

/** Claims the pending rows among `ids` that no other process holds, oldest first. */
export async function claimInboundBatch(tx: Tx, ids: readonly number[]): Promise<InboundRow[]> {
  return await tx<InboundRow>('inbound_messages').whereIn('id', ids).where({ status: 'pending' })
    .orderBy('id').forUpdate().skipLocked();
}

/**
 * The rows of a batch that repeat a message (same Message-ID and bytes) already turned into an outcome, or an
 * earlier row of the same batch: what isDuplicate would say for each, had the rows before it been committed.
 */
export async function duplicateIds(tx: Tx, rows: readonly Pick<InboundRow, 'id' | 'message_id' | 'sha256'>[]): Promise<Set<number>> {
  const key = (r: { message_id: string | null; sha256: string }) => `${r.sha256} ${r.message_id ?? ''}`;
  const withId = rows.filter((r) => r.message_id !== null);
  if (withId.length === 0) return new Set();
  const done = await tx('inbound_messages').whereIn('message_id', withId.map((r) => r.message_id as string))
    .whereNotIn('id', rows.map((r) => r.id)).whereIn('status', ['processed', 'quarantined'])
    .select('message_id', 'sha256') as { message_id: string; sha256: string }[];
  const seen = new Set(done.map(key));
  const dup = new Set<number>();
  for (const r of withId) {
    if (seen.has(key(r))) dup.add(r.id);
    seen.add(key(r));
  }
  return dup;
}

/** True when the same message (Message-ID and bytes) was already turned into an outcome. */
export async function isDuplicate(tx: Tx, row: Pick<InboundRow, 'id' | 'message_id' | 'sha256'>): Promise<boolean> {
  if (row.message_id === null) return false;
  const hit = await tx('inbound_messages')
    .where({ message_id: row.message_id, sha256: row.sha256 })
    .whereNot({ id: row.id }).whereIn('status', ['processed', 'quarantined']).first('id') as { id: number } | undefined;
  return hit !== undefined;
}

export interface Finished {
  id: number;
  at: Date;
  outcome: { status: Exclude<InboundStatus, 'pending'>; kind: string; reason: string; ticketId?: number | null | undefined };
}

/** finishInbound for many rows in one statement. */
export async function finishInboundBatch(tx: Tx, rows: readonly Finished[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(() => '(?::bigint, ?, ?, ?, ?::bigint, ?::timestamptz)').join(', ');
  await tx.raw(`
    update inbound_messages as m
       set status = v.status, kind = v.kind, reason = v.reason, ticket_id = v.ticket_id, processed_at = v.at
      from (values ${values}) as v (id, status, kind, reason, ticket_id, at)
     where m.id = v.id`,
  rows.flatMap((r) => [r.id, r.outcome.status, r.outcome.kind, r.outcome.reason.slice(0, 2000), r.outcome.ticketId ?? null, r.at]));
}

export async function finishInbound(tx: Tx, id: number, at: Date, outcome: Finished['outcome']): Promise<void> {
  await finishInboundBatch(tx, [{ id, at, outcome }]);
}

export async function pendingInboundIds(tx: Tx, limit = 1000): Promise<number[]> {
  const rows = await tx('inbound_messages').where({ status: 'pending' }).orderBy('id').limit(limit).select('id') as { id: number }[];
  return rows.map((r) => r.id);
}

export async function mailboxCursor(tx: Tx, mailbox: string, uidvalidity: number): Promise<number> {
  const row = await tx('mailbox_state').where({ mailbox, uidvalidity }).first('last_uid') as { last_uid: number } | undefined;
  return row?.last_uid ?? 0;
}

export async function advanceCursor(tx: Tx, mailbox: string, uidvalidity: number, lastUid: number): Promise<void> {
  await tx.raw(`
    insert into mailbox_state (mailbox, uidvalidity, last_uid) values (?, ?, ?)
    on conflict (mailbox, uidvalidity) do update
      set last_uid = greatest(mailbox_state.last_uid, excluded.last_uid), updated_at = now()`,
  [mailbox, uidvalidity, lastUid]);
}
