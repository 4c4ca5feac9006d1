/**
 * What one claimed stored message becomes, inside the caller's transaction: an over-size or header-only message is
 * quarantined from its header section, a message already processed is a duplicate, anything else is handled.
 * The single path (ingest-message.ts) and the batch path (ingest-batch.ts) share it.
 */
import type { InboundRow } from '../adapters/inbound-store.ts';
import { parseMail } from '../adapters/mail-parse.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import type { MailKind } from '../domain/classify.ts';
import type { InboundMail } from '../domain/mail.ts';
import { headerEnd } from '../domain/mail-sanity.ts';
import { oversize } from './classify-file.ts';
import type { AppDeps } from './deps.ts';
import { noEffects } from './effects.ts';
import { handleInbound, quarantined, type EarlierInBatch, type Handled } from './handle-inbound.ts';

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

/** True when the message is handled whole (not over the size limit, its body kept), so it is worth parsing. */
export function parsedWhole(deps: AppDeps, row: Pick<InboundRow, 'size' | 'body_kept'>): boolean {
  return row.body_kept && oversize(row.size, deps.maxMessageBytes) === undefined;
}

export async function handleStored(tx: Tx, deps: AppDeps, row: InboundRow, o: {
  /** The message parsed before the transaction; parsed here when absent. */
  mail?: InboundMail | undefined;
  duplicate: () => Promise<boolean> | boolean;
  earlier?: EarlierInBatch | undefined;
}): Promise<Handled> {
  const big = oversize(row.size, deps.maxMessageBytes);
  if (big !== undefined || !row.body_kept) {
    // A header section kept alone stays quarantined until `quarantine retry` fetches the whole message.
    return await tooLarge(tx, deps, row, big?.reason ?? `only the header section of this ${row.size}-byte message was kept`);
  }
  if (await o.duplicate()) {
    return { outcome: { status: 'duplicate', kind: 'duplicate', ticketId: null,
      reason: `the same message (${row.message_id ?? ''}) was already processed` }, effects: noEffects() };
  }
  return await handleInbound(tx, deps, row, o.mail ?? await parseMail(row.raw), o.earlier);
}
