/** What the log line and the latency histogram say about processed inbound messages: ticket ref and timings. */
import type { Db } from './db.ts';

export interface InboundFacts {
  id: number;
  ticketRef: string | null;
  /** When our mail server received it (top Received header), else when we stored it. */
  arrivedAt: Date;
  processedAt: Date | null;
  dmarc: string | null;
}

export async function inboundFacts(db: Db, ids: readonly number[]): Promise<InboundFacts[]> {
  if (ids.length === 0) return [];
  const r = await db.raw(`
    select i.id, t.ref, coalesce(i.arrived_at, i.received_at) as arrived_at, i.processed_at, i.auth->>'dmarc' as dmarc
    from inbound_messages i left join tickets t on t.id = i.ticket_id where i.id = any(?)`, [[...ids]]) as {
    rows: { id: number; ref: string | null; arrived_at: Date; processed_at: Date | null; dmarc: string | null }[];
  };
  return r.rows.map((x) => ({ id: x.id, ticketRef: x.ref, arrivedAt: x.arrived_at, processedAt: x.processed_at, dmarc: x.dmarc }));
}
