/**
 * Reads a bounce (RFC 3464 delivery status notification, or the free-form reports some servers still send) to
 * find which of our emails failed and for whom. Looks in the delivery-status fields, in the returned headers or
 * message, and finally in the human-readable text.
 */
import type { InboundMail } from './mail.ts';
import { parseTicketRef } from './ticket-ref.ts';

export interface FailedRecipient {
  address: string;
  action: string;
  status: string;
  diagnostic: string;
}

export interface BounceReport {
  recipients: FailedRecipient[];
  /** Message-IDs that may be the email that failed, most trustworthy first. */
  messageIds: string[];
  /** Ticket numbers from our X-Tasaeed header in the returned message. */
  ticketIds: number[];
}

const EMBEDDED = /^(message\/(rfc822|global|global-headers)|text\/rfc822-headers)/;

function unfold(block: string): string[] {
  return block.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n');
}

function field(line: string, names: string): string | undefined {
  const m = new RegExp(`^(?:${names})\\s*:\\s*(.*)$`, 'i').exec(line.trim());
  return m?.[1]?.trim();
}

/** "rfc822; head@x.test" → "head@x.test" */
function addressOf(v: string): string {
  return (v.includes(';') ? v.slice(v.indexOf(';') + 1) : v).replace(/[<>\s]/g, '').toLowerCase();
}

/** qmail and some older servers: "<someone@example>:" on its own line, the server's words on the next. */
function freeFormRecipients(lines: readonly string[]): FailedRecipient[] {
  const out: FailedRecipient[] = [];
  lines.forEach((line, i) => {
    const m = /^<([^<>\s]+@[^<>\s]+)>:\s*$/.exec(line.trim());
    if (m?.[1] !== undefined) out.push({ address: m[1].toLowerCase(), action: 'failed', status: '', diagnostic: (lines[i + 1] ?? '').trim() });
  });
  return out;
}

function recipientsIn(lines: readonly string[]): FailedRecipient[] {
  const out: FailedRecipient[] = [];
  let current: FailedRecipient | undefined;
  for (const line of lines) {
    const final = field(line, 'final-recipient');
    if (final !== undefined) {
      current = { address: addressOf(final), action: '', status: '', diagnostic: '' };
      out.push(current);
      continue;
    }
    if (current === undefined) continue;
    const action = field(line, 'action');
    const status = field(line, 'status');
    const diagnostic = field(line, 'diagnostic-code');
    if (action !== undefined) current.action = action.toLowerCase();
    if (status !== undefined) current.status = status;
    if (diagnostic !== undefined) current.diagnostic = (diagnostic.includes(';') ? diagnostic.slice(diagnostic.indexOf(';') + 1) : diagnostic).trim();
  }
  return out;
}

function headerBlock(text: string): string[] {
  const normal = text.replace(/\r\n?/g, '\n');
  const end = normal.indexOf('\n\n');
  return unfold(end === -1 ? normal : normal.slice(0, end));
}

const ID = /<[^<>\s]{3,250}>/;

export function readBounce(m: InboundMail): BounceReport {
  const textLines = unfold(m.text);
  const recipients = recipientsIn(textLines);
  if (recipients.length === 0) recipients.push(...freeFormRecipients(textLines));
  const failedHeader = m.headers.get('x-failed-recipients');
  if (recipients.length === 0 && failedHeader !== undefined) {
    for (const a of failedHeader.split(',')) {
      if (a.includes('@')) recipients.push({ address: addressOf(a), action: 'failed', status: '', diagnostic: '' });
    }
  }
  const ids: string[] = [];
  const tickets: number[] = [];
  const push = (v: string | undefined): void => { const id = v === undefined ? undefined : ID.exec(v)?.[0]; if (id !== undefined) ids.push(id); };
  for (const line of textLines) push(field(line, 'original-message-id|x-original-message-id'));
  push(m.headers.get('x-original-message-id'));
  for (const a of m.attachments) {
    if (!EMBEDDED.test(a.contentType.toLowerCase()) || a.content === undefined) continue;
    const lines = headerBlock(new TextDecoder().decode(a.content));
    for (const line of lines) {
      push(field(line, 'message-id'));
      const ref = field(line, 'x-tasaeed');
      const t = ref === undefined ? undefined : parseTicketRef(ref);
      if (t !== undefined) tickets.push(t);
    }
  }
  // Free-form bounces quote the original message in their text.
  for (const line of textLines) {
    push(field(line.replace(/^>\s?/, ''), 'message-id'));
    const ref = field(line.replace(/^>\s?/, ''), 'x-tasaeed');
    const t = ref === undefined ? undefined : parseTicketRef(ref);
    if (t !== undefined) tickets.push(t);
  }
  // The bounce itself may answer our message (some servers set In-Reply-To).
  push(m.inReplyTo ?? undefined);
  return { recipients, messageIds: [...new Set(ids)], ticketIds: [...new Set(tickets)] };
}
