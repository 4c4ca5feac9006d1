/** Raw inbound messages, stored before anything else happens to them, and the IMAP cursor per mailbox. */
import { createHash } from 'node:crypto';
import { headerEnd } from '../domain/mail-sanity.ts';
import type { Tx } from './ticket-store.ts';

export interface RawMessage {
  mailbox: string;
  uidvalidity: number | null;
  uid: number | null;
  raw: Buffer;
  /** Only the header section of a message too large to keep: `raw` is that section, `size` the real size. */
  headerOnly?: { size: number } | undefined;
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
  /** False when only the header section was stored (the message was over MAX_MESSAGE_BYTES). */
  body_kept: boolean;
  status: InboundStatus;
  kind: string | null;
  reason: string | null;
  ticket_id: number | null;
  received_at: Date;
  content_sha256: string | null;
  from_email: string | null;
  arrived_at: Date | null;
  auth: Record<string, unknown> | null;
}

/** The Message-ID from the header block, without parsing the whole message. */
export function headerMessageId(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 65_536) : end).toString('latin1');
  const m = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]{1,900}>)/im.exec(head);
  return m?.[1] ?? null;
}

/**
 * The same message delivered again (a second copy for another plus address, a re-fetch after UIDVALIDITY
 * changed) differs in its trace headers (Received, Delivered-To) but not in its Message-ID and body.
 */
export function contentHash(raw: Buffer, messageId: string | null): string | null {
  if (messageId === null) return null;
  const end = headerEnd(raw);
  return createHash('sha256').update(`${messageId}\n`).update(end === -1 ? Buffer.alloc(0) : raw.subarray(end)).digest('hex');
}

/** Inserts raw messages; ones already stored (same mailbox, UIDVALIDITY and UID) are skipped. Returns new ids. */
export async function storeRaw(tx: Tx, messages: readonly RawMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => {
    const messageId = headerMessageId(m.raw);
    return {
      mailbox: m.mailbox, uidvalidity: m.uidvalidity, uid: m.uid, raw: m.raw, size: m.headerOnly?.size ?? m.raw.length,
      body_kept: m.headerOnly === undefined,
      message_id: messageId, sha256: createHash('sha256').update(m.raw).digest('hex'),
      // Without its body a message has no content to compare.
      content_sha256: m.headerOnly === undefined ? contentHash(m.raw, messageId) : null,
    };
  });
  const inserted = await tx('inbound_messages').insert(rows)
    .onConflict(tx.raw('(mailbox, uidvalidity, uid) where uid is not null')).ignore()
    .returning('id') as { id: number }[];
  return inserted.map((r) => r.id);
}

/** Where the whole of a message stored as its header section alone still is; undefined when its body was kept. */
export interface MissingBody {
  id: number;
  size: number;
  mailbox: string;
  uidvalidity: number | null;
  uid: number | null;
}

export async function missingBody(tx: Tx, id: number): Promise<MissingBody | undefined> {
  return await tx('inbound_messages').where({ id, body_kept: false })
    .first('id', 'size', 'mailbox', 'uidvalidity', 'uid') as MissingBody | undefined;
}

/** Replaces the header section kept for an over-size message with the whole message, fetched again. */
export async function restoreBody(tx: Tx, id: number, raw: Buffer): Promise<void> {
  const messageId = headerMessageId(raw);
  await tx('inbound_messages').where({ id, body_kept: false }).update({
    raw, size: raw.length, body_kept: true, message_id: messageId,
    sha256: createHash('sha256').update(raw).digest('hex'), content_sha256: contentHash(raw, messageId),
  });
}

/**
 * Locks a pending row for processing. Two processes (the daemon and `tasaeed ingest`) may process at once: two
 * copies of one message also take the same advisory lock (by Message-ID), so the second waits for the first and
 * then sees it as a duplicate.
 */
export async function claimInbound(tx: Tx, id: number): Promise<InboundRow | undefined> {
  return await tx<InboundRow>('inbound_messages').where({ id, status: 'pending' }).forUpdate().skipLocked()
    .first('*', tx.raw('pg_advisory_xact_lock(hashtext(coalesce(message_id, id::text)))'));
}

/** True when the same message (Message-ID and bytes) was already turned into an outcome. */
export async function isDuplicate(tx: Tx, row: Pick<InboundRow, 'id' | 'message_id' | 'sha256' | 'content_sha256'>): Promise<boolean> {
  if (row.message_id === null) return false;
  const hit = await tx('inbound_messages')
    .where({ message_id: row.message_id })
    .andWhere((q) => {
      void q.where({ sha256: row.sha256 });
      if (row.content_sha256 !== null) void q.orWhere({ content_sha256: row.content_sha256 });
    })
    .whereNot({ id: row.id }).whereIn('status', ['processed', 'quarantined']).first('id') as { id: number } | undefined;
  return hit !== undefined;
}

/**
 * How many messages from this sender arrived within `windowMs` before this one and were not replies into a
 * ticket (those are never answered, so they cannot feed a storm).
 */
export async function countRecentFrom(tx: Tx, o: { id: number; email: string; arrivedAt: Date; windowMs: number }): Promise<number> {
  const row = await tx('inbound_messages')
    .where({ from_email: o.email }).whereNot({ id: o.id })
    .where('arrived_at', '>', new Date(o.arrivedAt.getTime() - o.windowMs)).where('arrived_at', '<=', o.arrivedAt)
    .whereIn('status', ['processed', 'quarantined']).whereRaw(`kind is distinct from 'reply'`)
    .count<{ n: number }[]>({ n: '*' }).first();
  return row?.n ?? 0;
}

export async function finishInbound(tx: Tx, id: number, at: Date, outcome: {
  status: Exclude<InboundStatus, 'pending'>; kind: string; reason: string; ticketId?: number | null | undefined;
  fromEmail?: string | null | undefined; arrivedAt?: Date | undefined; auth?: Record<string, unknown> | undefined;
}): Promise<void> {
  await tx('inbound_messages').where({ id }).update({
    status: outcome.status, kind: outcome.kind, reason: outcome.reason.slice(0, 2000),
    ticket_id: outcome.ticketId ?? null, processed_at: at,
    ...(outcome.fromEmail === undefined ? {} : { from_email: outcome.fromEmail }),
    ...(outcome.arrivedAt === undefined ? {} : { arrived_at: outcome.arrivedAt }),
    ...(outcome.auth === undefined ? {} : { auth: JSON.stringify(outcome.auth) }),
  });
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

/** The raw bytes as stored (the DMARC check reads them). */
export async function rawOf(tx: Tx, id: number): Promise<Buffer | undefined> {
  const row = await tx('inbound_messages').where({ id }).first('raw') as { raw: Buffer } | undefined;
  return row?.raw;
}

/** What the sender check found, kept on the message. */
export async function recordSenderAuth(tx: Tx, id: number, auth: Record<string, unknown>): Promise<void> {
  await tx('inbound_messages').where({ id }).update({ auth: JSON.stringify(auth) });
}
