/**
 * Secrets of the web desk. A sign-in link carries `<id>.<random>`; the database keeps only its SHA-256, so a copy
 * of the table signs nobody in. CSRF tokens are an HMAC of the visitor's cookie, so they need no storage.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { macMatches } from './reply-token.ts';

export const newSecret = (): string => randomBytes(32).toString('base64url');

export const hashSecret = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A key for one purpose derived from REPLY_SECRET, so the desk needs no setting of its own. */
export function deriveKey(replySecret: string, purpose: string): string {
  return createHmac('sha256', replySecret).update(`tasaeed-desk:${purpose}`).digest('hex');
}

export function csrfToken(key: string, cookie: string): string {
  return createHmac('sha256', key).update(cookie).digest('base64url');
}

export function csrfMatches(key: string, cookie: string, given: unknown): boolean {
  return typeof given === 'string' && macMatches(csrfToken(key, cookie), given);
}
