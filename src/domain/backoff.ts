/** Capped exponential backoff with a little jitter, so many retries after one outage do not all land at once. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(Math.min(maxMs, base * (0.9 + 0.2 * random())));
}
