/**
 * The FETCH commands of the listener: sizes first (RFC822.SIZE), then each planned chunk — whole messages with
 * BODY.PEEK[], over-size ones as the first bytes of BODY.PEEK[] cut to their header section — so no message over
 * the limit ever enters the heap, and a chunk never holds more than its byte bound.
 */
import type { ImapFlow } from 'imapflow';
import { headerEnd } from '../domain/mail-sanity.ts';
import type { FetchChunk, FetchLimits, SizedUid } from './imap-fetch-plan.ts';

export interface FetchedMessage {
  uid: number;
  raw: Buffer;
  /** Set when the message was over the size limit: `raw` is its header section only, `size` its real size. */
  headerOnly?: { size: number } | undefined;
}

const MB = 1024 * 1024;

/** 200 messages or 16 MB per FETCH: the next chunk is fetched while the previous one is processed. */
export function fetchLimits(maxMessageBytes: number): FetchLimits {
  // 128 KiB is the largest header section tasaeed reads (a bigger one is quarantined as header_too_large).
  return { count: 200, bytes: 16 * MB, maxMessageBytes, headBytes: 128 * 1024 };
}

/** UIDs after `after` with their sizes, without fetching any message. */
export async function fetchSizes(client: ImapFlow, after: number): Promise<SizedUid[]> {
  const out: SizedUid[] = [];
  if (client.mailbox === false || client.mailbox.exists === 0) return out;
  // `n:*` always matches the last message, even when its UID is below n: filter.
  for await (const msg of client.fetch(`${after + 1}:*`, { uid: true, size: true }, { uid: true })) {
    if (msg.uid > after) out.push({ uid: msg.uid, size: msg.size ?? 0 });
  }
  return out.sort((x, y) => x.uid - y.uid);
}

/** The header section and the blank line after it; the whole start when no end is found in it. */
export function headerSection(start: Buffer): Buffer {
  const end = headerEnd(start);
  return end === -1 ? start : Buffer.concat([start.subarray(0, end), Buffer.from('\r\n\r\n')]);
}

/** Fetches one planned chunk; messages come back in UID order. */
export async function fetchChunk(client: ImapFlow, chunk: FetchChunk, sizes: ReadonlyMap<number, number>, limits: FetchLimits): Promise<FetchedMessage[]> {
  const batch: FetchedMessage[] = [];
  if (chunk.whole.length > 0) {
    for await (const msg of client.fetch(chunk.whole.join(','), { uid: true, source: true }, { uid: true })) {
      if (msg.source !== undefined) batch.push({ uid: msg.uid, raw: msg.source });
    }
  }
  if (chunk.headOnly.length > 0) {
    const query = { uid: true, source: { start: 0, maxLength: limits.headBytes } };
    for await (const msg of client.fetch(chunk.headOnly.join(','), query, { uid: true })) {
      if (msg.source === undefined) continue;
      // Copy out of the fetched bytes so that nothing keeps the whole first 128 KiB alive.
      batch.push({ uid: msg.uid, raw: Buffer.from(headerSection(msg.source)), headerOnly: { size: sizes.get(msg.uid) ?? msg.source.length } });
    }
  }
  return batch.sort((x, y) => x.uid - y.uid);
}
