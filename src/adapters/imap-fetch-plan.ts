/**
 * Which messages to fetch in one FETCH, from their RFC822.SIZE: a chunk is bounded by a count and by bytes (at
 * least one message), so memory stays bounded whatever arrives; a message over the size limit is fetched as its
 * header section only and counts as that much.
 */

export interface SizedUid {
  uid: number;
  size: number;
}

export interface FetchLimits {
  /** Messages per chunk at most. */
  count: number;
  /** Bytes per chunk at most, unless a single message is bigger. */
  bytes: number;
  /** A message bigger than this is not fetched whole. */
  maxMessageBytes: number;
  /** How much of an over-size message is fetched to read its header section. */
  headBytes: number;
}

export interface FetchChunk {
  /** Fetched whole, in UID order. */
  whole: number[];
  /** Over the limit: only the start of the message (its header section), in UID order. */
  headOnly: number[];
  /** The most this chunk brings into memory. */
  bytes: number;
}

export function planFetch(messages: readonly SizedUid[], limits: FetchLimits): FetchChunk[] {
  const chunks: FetchChunk[] = [];
  let current: FetchChunk = { whole: [], headOnly: [], bytes: 0 };
  const sorted = [...messages].sort((a, b) => a.uid - b.uid);
  for (const m of sorted) {
    const big = m.size > limits.maxMessageBytes;
    const cost = big ? Math.min(m.size, limits.headBytes) : m.size;
    const count = current.whole.length + current.headOnly.length;
    if (count > 0 && (count >= limits.count || current.bytes + cost > limits.bytes)) {
      chunks.push(current);
      current = { whole: [], headOnly: [], bytes: 0 };
    }
    (big ? current.headOnly : current.whole).push(m.uid);
    current.bytes += cost;
  }
  if (current.whole.length + current.headOnly.length > 0) chunks.push(current);
  return chunks;
}
