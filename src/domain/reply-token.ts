/**
 * Signed reply tokens: r-<ticket>-<mac>, in the reply address core+r-<ticket>-<mac>@domain (REPLY_ADDRESS=plus)
 * and at the front of the Message-ID of every email about a ticket, which comes back in In-Reply-To and References
 * (what REPLY_ADDRESS=plain relies on, for a mail system without plus addressing). The MAC binds the ticket to the
 * person we wrote to, so a reply proves it answers a message we sent to that person; a forged From header alone
 * proves nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN = /^r-(\d{1,12})-([0-9a-f]{20})$/;

function mac(secret: string, ticketId: number, email: string): string {
  return createHmac('sha256', secret).update(`${ticketId}\n${email.toLowerCase()}`).digest('hex').slice(0, 20);
}

/** The token itself (r-42-…), for the reply address and our Message-ID. */
export function replyTokenLabel(secret: string, ticketId: number, recipient: string): string {
  return `r-${ticketId}-${mac(secret, ticketId, recipient)}`;
}

export function replyAddress(coreMailbox: string, secret: string, ticketId: number, recipient: string): string {
  const [local, domain] = coreMailbox.split('@');
  return `${local ?? ''}+${replyTokenLabel(secret, ticketId, recipient)}@${domain ?? ''}`;
}

/** The Core mailbox, or it with its aliases (addresses that deliver into the same mailbox). */
export type CoreAddresses = string | readonly string[];

const listOf = (core: CoreAddresses): readonly string[] => (typeof core === 'string' ? [core] : core);

/** Where a reply may carry one of our tokens, most direct first: plus addresses, In-Reply-To, then References. */
export interface TokenCarrier {
  recipients: readonly string[];
  inReplyTo?: string | null | undefined;
  references?: readonly string[] | undefined;
}

/** The token label at the front of one of our Message-IDs (<r-42-….uuid@domain>), lower-cased. */
export function messageIdLabel(messageId: string): string | undefined {
  return /^<?([a-z]-\d{1,12}-[0-9a-f]{20})\./i.exec(messageId.trim())?.[1]?.toLowerCase();
}

/** Every token-shaped label a reply carries, most direct first (a plus address before the Message-IDs it answers). */
export function tokenLabels(core: CoreAddresses, mail: TokenCarrier): string[] {
  const ids = [...(mail.inReplyTo === null || mail.inReplyTo === undefined ? [] : [mail.inReplyTo]), ...[...(mail.references ?? [])].reverse()];
  return [
    ...mail.recipients.flatMap((a) => { const d = coreDetail(core, a); return d === undefined ? [] : [d]; }),
    ...ids.flatMap((id) => { const l = messageIdLabel(id); return l === undefined ? [] : [l]; }),
  ];
}

/** The ticket tokens a reply carries, most direct first; whichever verifies for the sender gives authority. */
export function findReplyTokens(core: CoreAddresses, mail: TokenCarrier): ReplyToken[] {
  return tokenLabels(core, mail).flatMap((label) => {
    const m = TOKEN.exec(label);
    return m?.[1] !== undefined && m[2] !== undefined ? [{ ticketId: Number(m[1]), mac: m[2] }] : [];
  });
}

export interface ReplyToken {
  ticketId: number;
  mac: string;
}

/** Finds a reply token among addresses (To, Cc, Delivered-To) that point at the Core mailbox. */
export function findReplyToken(core: CoreAddresses, addresses: readonly string[]): ReplyToken | undefined {
  return findReplyTokens(core, { recipients: addresses })[0];
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
export function plusDetail(core: CoreAddresses, addresses: readonly string[]): string | undefined {
  for (const address of addresses) {
    const detail = coreDetail(core, address);
    if (detail !== undefined && !TOKEN.test(detail)) return detail;
  }
  return undefined;
}

/** The Core mailbox itself, one of its aliases, or any of their plus addresses. */
export function isCoreAddress(core: CoreAddresses, address: string): boolean {
  const a = address.toLowerCase();
  return listOf(core).some((c) => c.toLowerCase() === a) || coreDetail(core, address) !== undefined;
}

/** What follows "+" in a plus address of the Core mailbox or an alias (core+r-42-…@ → "r-42-…"), lower-cased. */
export function coreDetail(core: CoreAddresses, address: string): string | undefined {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  for (const c of listOf(core)) {
    const [coreLocal = '', coreDomain = ''] = c.toLowerCase().split('@');
    if (domain === coreDomain && local.startsWith(`${coreLocal}+`)) return local.slice(coreLocal.length + 1);
  }
  return undefined;
}
