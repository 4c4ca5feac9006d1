/**
 * Signed reply addresses for report emails: core+p-<report run>-<mac>@domain. Like a ticket's reply address
 * (reply-token.ts) the MAC binds the report run to the person we sent it to, so only that person can act on it by
 * replying (#رفع / #forward); the "report" label keeps the two kinds of token from ever standing in for each other.
 */
import { createHmac } from 'node:crypto';
import { macMatches, tokenLabels, type CoreAddresses, type TokenCarrier } from './reply-token.ts';

const TOKEN = /^p-(\d{1,12})-([0-9a-f]{20})$/;

function mac(secret: string, runId: number, email: string): string {
  return createHmac('sha256', secret).update(`report\n${runId}\n${email.toLowerCase()}`).digest('hex').slice(0, 20);
}

/** The token itself (p-7-…), for the reply address and our Message-ID. */
export function reportTokenLabel(secret: string, runId: number, recipient: string): string {
  return `p-${runId}-${mac(secret, runId, recipient)}`;
}

export function reportReplyAddress(coreMailbox: string, secret: string, runId: number, recipient: string): string {
  const [local = '', domain = ''] = coreMailbox.split('@');
  return `${local}+${reportTokenLabel(secret, runId, recipient)}@${domain}`;
}

export interface ReportToken {
  runId: number;
  mac: string;
}

/** The report tokens a reply carries (its plus address, then the Message-IDs it answers), most direct first. */
export function findReportTokens(core: CoreAddresses, mail: TokenCarrier): ReportToken[] {
  return tokenLabels(core, mail).flatMap((label) => {
    const m = TOKEN.exec(label);
    return m?.[1] !== undefined && m[2] !== undefined ? [{ runId: Number(m[1]), mac: m[2] }] : [];
  });
}

/** The report token among the addresses a message was sent to (To, Cc, Delivered-To), if any. */
export function findReportToken(core: CoreAddresses, addresses: readonly string[]): ReportToken | undefined {
  return findReportTokens(core, { recipients: addresses })[0];
}

export function verifyReportToken(secret: string, token: ReportToken, sender: string): boolean {
  return macMatches(mac(secret, token.runId, sender), token.mac);
}
