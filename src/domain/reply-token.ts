/**
 * Signed reply addresses: core+r-<ticket>-<mac>@domain. The MAC binds the ticket to the person we wrote to,
 * so a reply proves it answers a message we sent to that person; a forged From header alone proves nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN = /^r-(\d{1,12})-([0-9a-f]{20})$/;

function mac(secret: string, ticketId: number, email: string): string {
  return createHmac('sha256', secret).update(`${ticketId}\n${email.toLowerCase()}`).digest('hex').slice(0, 20);
}

export function replyAddress(coreMailbox: string, secret: string, ticketId: number, recipient: string): string {
  const [local, domain] = coreMailbox.split('@');
  return `${local ?? ''}+r-${ticketId}-${mac(secret, ticketId, recipient)}@${domain ?? ''}`;
}

export interface ReplyToken {
  ticketId: number;
  mac: string;
}

/** Finds a reply token among addresses (To, Cc, Delivered-To) that point at the Core mailbox. */
export function findReplyToken(coreMailbox: string, addresses: readonly string[]): ReplyToken | undefined {
  for (const address of addresses) {
    const m = TOKEN.exec(coreDetail(coreMailbox, address) ?? '');
    if (m?.[1] !== undefined && m[2] !== undefined) return { ticketId: Number(m[1]), mac: m[2] };
  }
  return undefined;
}

/** Compares a MAC in constant time. */
export function macMatches(expected: string, given: string): boolean {
  const e = Buffer.from(expected);
  const g = Buffer.from(given);
  return e.length === g.length && timingSafeEqual(e, g);
}

/** True when the token was issued for this ticket to this sender. */
export function verifyReplyToken(secret: string, token: ReplyToken, sender: string): boolean {
  return macMatches(mac(secret, token.ticketId, sender), token.mac);
}

/** The department key of a plain plus address (core+finance@…), if it is not a reply token. */
export function plusDetail(coreMailbox: string, addresses: readonly string[]): string | undefined {
  for (const address of addresses) {
    const detail = coreDetail(coreMailbox, address);
    if (detail !== undefined && !TOKEN.test(detail)) return detail;
  }
  return undefined;
}

/** The Core mailbox itself or any of its plus addresses. */
export function isCoreAddress(coreMailbox: string, address: string): boolean {
  return address.toLowerCase() === coreMailbox.toLowerCase() || coreDetail(coreMailbox, address) !== undefined;
}

/** What follows "+" in one of the Core mailbox's plus addresses (core+r-42-…@ → "r-42-…"), lower-cased. */
export function coreDetail(coreMailbox: string, address: string): string | undefined {
  const [coreLocal = '', coreDomain = ''] = coreMailbox.toLowerCase().split('@');
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  return domain === coreDomain && local.startsWith(`${coreLocal}+`) ? local.slice(coreLocal.length + 1) : undefined;
}
