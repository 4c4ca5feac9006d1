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
  const [coreLocal = '', coreDomain = ''] = coreMailbox.toLowerCase().split('@');
  for (const address of addresses) {
    const [local = '', domain = ''] = address.toLowerCase().split('@');
    if (domain !== coreDomain || !local.startsWith(`${coreLocal}+`)) continue;
    const m = TOKEN.exec(local.slice(coreLocal.length + 1));
    if (m?.[1] !== undefined && m[2] !== undefined) return { ticketId: Number(m[1]), mac: m[2] };
  }
  return undefined;
}

/** True when the token was issued for this ticket to this sender. */
export function verifyReplyToken(secret: string, token: ReplyToken, sender: string): boolean {
  const expected = Buffer.from(mac(secret, token.ticketId, sender));
  const given = Buffer.from(token.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The department key of a plain plus address (core+finance@…), if it is not a reply token. */
export function plusDetail(coreMailbox: string, addresses: readonly string[]): string | undefined {
  const [coreLocal = '', coreDomain = ''] = coreMailbox.toLowerCase().split('@');
  for (const address of addresses) {
    const [local = '', domain = ''] = address.toLowerCase().split('@');
    if (domain === coreDomain && local.startsWith(`${coreLocal}+`)) {
      const detail = local.slice(coreLocal.length + 1);
      if (!TOKEN.test(detail)) return detail;
    }
  }
  return undefined;
}

/** The Core mailbox itself or any of its plus addresses. */
export function isCoreAddress(coreMailbox: string, address: string): boolean {
  const [coreLocal = '', coreDomain = ''] = coreMailbox.toLowerCase().split('@');
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  return domain === coreDomain && (local === coreLocal || local.startsWith(`${coreLocal}+`));
}

/** What follows "+" in one of the Core mailbox's plus addresses (core+r-42-…@ → "r-42-…"), lower-cased. */
export function coreDetail(coreMailbox: string, address: string): string | undefined {
  const [coreLocal = '', coreDomain = ''] = coreMailbox.toLowerCase().split('@');
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  return domain === coreDomain && local.startsWith(`${coreLocal}+`) ? local.slice(coreLocal.length + 1) : undefined;
}
