/**
 * Signed reply addresses for report emails: core+p-<report run>-<mac>@domain. Like a ticket's reply address
 * (reply-token.ts) the MAC binds the report run to the person we sent it to, so only that person can act on it by
 * replying (#رفع / #forward); the "report" label keeps the two kinds of token from ever standing in for each other.
 */
import { createHmac } from 'node:crypto';
import { coreDetail, macMatches } from './reply-token.ts';

const TOKEN = /^p-(\d{1,12})-([0-9a-f]{20})$/;

function mac(secret: string, runId: number, email: string): string {
  return createHmac('sha256', secret).update(`report\n${runId}\n${email.toLowerCase()}`).digest('hex').slice(0, 20);
}

export function reportReplyAddress(coreMailbox: string, secret: string, runId: number, recipient: string): string {
  const [local = '', domain = ''] = coreMailbox.split('@');
  return `${local}+p-${runId}-${mac(secret, runId, recipient)}@${domain}`;
}

export interface ReportToken {
  runId: number;
  mac: string;
}

/** The report token among the addresses a message was sent to (To, Cc, Delivered-To), if any. */
export function findReportToken(coreMailbox: string, addresses: readonly string[]): ReportToken | undefined {
  for (const address of addresses) {
    const m = TOKEN.exec(coreDetail(coreMailbox, address) ?? '');
    if (m?.[1] !== undefined && m[2] !== undefined) return { runId: Number(m[1]), mac: m[2] };
  }
  return undefined;
}

export function verifyReportToken(secret: string, token: ReportToken, sender: string): boolean {
  return macMatches(mac(secret, token.runId, sender), token.mac);
}
