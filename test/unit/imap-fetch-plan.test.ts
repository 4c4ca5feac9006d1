import { describe, expect, it } from 'vitest';
import { planFetch, type FetchLimits } from '../../src/adapters/imap-fetch-plan.ts';

const MB = 1024 * 1024;
const limits: FetchLimits = { count: 200, bytes: 16 * MB, maxMessageBytes: 25 * MB, headBytes: 128 * 1024 };
const sized = (sizes: number[]) => sizes.map((size, i) => ({ uid: i + 1, size }));

describe('planFetch (byte- and count-bounded IMAP fetch chunks)', () => {
  it('keeps each chunk within the byte bound and fetches everything once, in UID order', () => {
    const msgs = sized(Array.from({ length: 100 }, (_, i) => (i % 7 + 1) * MB));
    const chunks = planFetch(msgs, limits);
    for (const c of chunks) expect(c.bytes).toBeLessThanOrEqual(16 * MB);
    expect(chunks.flatMap((c) => c.whole)).toEqual(msgs.map((m) => m.uid));
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('still bounds small messages by count', () => {
    const chunks = planFetch(sized(Array.from({ length: 450 }, () => 2000)), limits);
    expect(chunks.map((c) => c.whole.length)).toEqual([200, 200, 50]);
  });

  it('puts one message bigger than the byte bound (but under the size limit) in a chunk of its own', () => {
    const chunks = planFetch(sized([MB, 24 * MB, MB]), limits);
    expect(chunks.map((c) => c.whole)).toEqual([[1], [2], [3]]);
  });

  it('fetches a message over the size limit as its header section, counted as that many bytes', () => {
    const chunks = planFetch(sized(Array.from({ length: 100 }, () => 40 * MB)), limits);
    expect(chunks.flatMap((c) => c.whole)).toEqual([]);
    expect(chunks.flatMap((c) => c.headOnly)).toHaveLength(100);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.bytes).toBe(100 * 128 * 1024);
  });

  it('mixes whole and header-only messages in one chunk and sorts by UID', () => {
    const chunks = planFetch([{ uid: 9, size: 1000 }, { uid: 3, size: 30 * MB }, { uid: 5, size: 2000 }], limits);
    expect(chunks).toEqual([{ whole: [5, 9], headOnly: [3], bytes: 128 * 1024 + 3000 }]);
  });

  it('plans nothing for no messages', () => {
    expect(planFetch([], limits)).toEqual([]);
  });
});
