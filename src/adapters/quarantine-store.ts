/** Quarantined inbound messages: listed, read whole, and put back in line (`tasaeed quarantine …`). */
import type { Tx } from './ticket-store.ts';

export interface QuarantinedRow {
  id: number;
  received_at: Date;
  from_email: string | null;
  size: number;
  message_id: string | null;
  reason: string | null;
}

export async function listQuarantined(tx: Tx, limit = 200): Promise<QuarantinedRow[]> {
  return await tx('inbound_messages').where({ status: 'quarantined' }).orderBy('id', 'desc').limit(limit)
    .select('id', 'received_at', 'from_email', 'size', 'message_id', 'reason') as QuarantinedRow[];
}

export type StoredInbound = QuarantinedRow & { raw: Buffer; status: string; mailbox: string };

export async function loadInbound(tx: Tx, id: number): Promise<StoredInbound | undefined> {
  return await tx('inbound_messages').where({ id }).first() as StoredInbound | undefined;
}

/** Back to `pending`; false when the message is not in quarantine. */
export async function releaseQuarantined(tx: Tx, id: number): Promise<boolean> {
  const n = await tx('inbound_messages').where({ id, status: 'quarantined' })
    .update({ status: 'pending', kind: null, reason: null, processed_at: null });
  return n > 0;
}
