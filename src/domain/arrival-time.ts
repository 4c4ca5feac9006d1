/**
 * When a message reached our mail server: the date on the topmost Received header, which our own server wrote.
 * A missing or implausible date (more than 7 days before, or after, we stored it) falls back to the storage time.
 */
const EARLIEST_MS = 7 * 86_400_000;
const LATEST_MS = 5 * 60_000;

export function arrivalTime(topReceived: string | undefined, storedAt: Date): Date {
  if (topReceived === undefined) return storedAt;
  const datePart = topReceived.slice(topReceived.lastIndexOf(';') + 1).replace(/\([^)]*\)/g, '').trim();
  const at = Date.parse(datePart);
  if (Number.isNaN(at)) return storedAt;
  const stored = storedAt.getTime();
  return at < stored - EARLIEST_MS || at > stored + LATEST_MS ? storedAt : new Date(at);
}
