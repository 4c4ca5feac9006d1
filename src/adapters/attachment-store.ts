/**
 * Attachments and inline images of inbound messages, stored as received (never decompressed or opened), within
 * size and count limits; a part over a limit is still listed by name, type and size.
 */
import { createHash } from 'node:crypto';
import type { OriginalAttachment } from '../domain/copy-attachments.ts';
import type { MailAttachment } from '../domain/mail.ts';
import type { Tx } from './ticket-store.ts';

export interface AttachmentLimits {
  maxBytes: number;
  maxCount: number;
}

export interface StoredAttachment {
  position: number;
  filename: string;
  content_type: string;
  size: number;
  inline: boolean;
  stored: boolean;
  skipped_reason: string | null;
  contains: string[] | null;
}

function skipReason(a: MailAttachment, index: number, limits: AttachmentLimits): string | null {
  if (index >= limits.maxCount) return `more than ${limits.maxCount} attachments: listed, not stored`;
  if (a.size > limits.maxBytes) return `${a.size} bytes, over the limit of ${limits.maxBytes}: listed, not stored`;
  if (a.content === undefined) return 'no content';
  return null;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export async function storeAttachments(tx: Tx, o: {
  inboundId: number; ticketId: number | null; attachments: readonly MailAttachment[]; limits: AttachmentLimits;
}): Promise<number> {
  if (o.attachments.length === 0) return 0;
  const rows = o.attachments.map((a, i) => {
    const skipped = skipReason(a, i, o.limits);
    // mailparser hands over Buffers: use them as they are (Buffer.from would copy each attachment once more).
    const content = skipped === null && a.content !== undefined ? asBuffer(a.content) : null;
    return {
      inbound_id: o.inboundId, ticket_id: o.ticketId, position: i, filename: a.filename.slice(0, 500),
      content_type: a.contentType.slice(0, 200), size: a.size, inline: a.inline === true,
      content_id: a.contentId?.slice(0, 500) ?? null,
      sha256: content === null ? null : createHash('sha256').update(content).digest('hex'),
      content, skipped_reason: skipped, contains: a.contains === undefined ? null : JSON.stringify(a.contains),
    };
  });
  await tx('inbound_attachments').insert(rows).onConflict(['inbound_id', 'position']).ignore();
  return rows.filter((r) => r.content !== null).length;
}

export async function listAttachments(tx: Tx, where: { inboundId: number } | { ticketId: number }): Promise<StoredAttachment[]> {
  const q = tx('inbound_attachments').orderBy(['inbound_id', 'position'])
    .select('position', 'filename', 'content_type', 'size', 'inline', tx.raw('content is not null as stored'), 'skipped_reason', 'contains');
  const rows = await ('inboundId' in where ? q.where({ inbound_id: where.inboundId }) : q.where({ ticket_id: where.ticketId })) as StoredAttachment[];
  return rows;
}

/** The attachments of the message that opened a ticket, without their bytes. */
export async function originalAttachments(tx: Tx, ticketId: number): Promise<OriginalAttachment[]> {
  const rows = await tx('inbound_attachments as a')
    .join('ticket_events as e', function on() { this.on('e.inbound_id', 'a.inbound_id').andOn('e.ticket_id', 'a.ticket_id'); })
    .where({ 'a.ticket_id': ticketId, 'e.kind': 'created' }).orderBy('a.position')
    .select('a.id', 'a.filename', 'a.content_type', 'a.size', 'a.inline', 'a.content_id', tx.raw('a.content is not null as stored')) as {
      id: string | number; filename: string; content_type: string; size: string | number; inline: boolean; content_id: string | null; stored: boolean;
    }[];
  return rows.map((r) => ({
    id: Number(r.id), filename: r.filename, contentType: r.content_type, size: Number(r.size), inline: r.inline, contentId: r.content_id, stored: r.stored,
  }));
}

/** The stored bytes of some attachments, by id. */
export async function attachmentContents(tx: Tx, ids: readonly number[]): Promise<Map<number, Buffer>> {
  if (ids.length === 0) return new Map();
  const rows = await tx('inbound_attachments').whereIn('id', ids).whereNotNull('content').select('id', 'content') as { id: string | number; content: Buffer }[];
  return new Map(rows.map((r) => [Number(r.id), r.content]));
}
