/**
 * Turns a raw RFC 5322 message into the InboundMail the rules work on (mailparser does the MIME and charset
 * work: UTF-8, windows-1256, ISO-8859-6, encoded words, HTML-only bodies to text). Never throws: what cannot be
 * read becomes a problem that quarantines the message.
 */
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import type { InboundMail, MailAddress, MailAttachment, MailProblem } from '../domain/mail.ts';
import {
  headerEnd, multipartWithoutParts, rawHeader, rawProblems, snippet, unreadableText, withoutMboxFromLine,
} from '../domain/mail-sanity.ts';
import { tnefAttachmentNames } from '../domain/tnef.ts';

/** Control characters (CR, LF, NUL, bidi overrides are kept out of one-line fields such as subjects and names). */
const ONE_LINE_UNSAFE = /[\p{Cc}\u2028\u2029]+/gu;
const TEXT_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function oneLine(text: string): string {
  return text.replace(ONE_LINE_UNSAFE, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** `MAILER-DAEMON (Mail Delivery System)`: a mail system names itself without a domain. */
const MAIL_SYSTEM = /^(mailer-daemon|mail-daemon|mailerdaemon|postmaster)$/i;

/** mailparser reads `MAILER-DAEMON (Mail Delivery System)` as a name without an address. */
function mailSystemName(name: string): string {
  return MAIL_SYSTEM.test(name.trim()) ? name.trim() : '';
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value).flatMap((v) => {
    const inner = v.group ?? [v];
    return inner.map((x) => ({ address: x.address !== undefined && x.address !== '' ? x.address.trim() : mailSystemName(x.name), name: x.name }))
      .filter((x) => x.address.includes('@') || MAIL_SYSTEM.test(x.address))
      .map((x) => ({ email: x.address.toLowerCase(), name: oneLine(x.name) }));
  });
}

function headerMap(parsed: ParsedMail): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) {
    if (map.has(key)) continue;
    const colon = line.indexOf(':');
    map.set(key, line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return map;
}

function bareIds(value: string | string[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/);
  return list.map((id) => id.trim()).filter((id) => id !== '');
}

function isTnef(a: Attachment): boolean {
  return a.contentType === 'application/ms-tnef' || a.contentType === 'application/vnd.ms-tnef'
    || (a.filename ?? '').toLowerCase() === 'winmail.dat';
}

function attachment(a: Attachment): MailAttachment {
  const contains = isTnef(a) ? tnefAttachmentNames(a.content) : [];
  return {
    filename: oneLine(a.filename ?? '') || '(unnamed)',
    contentType: a.contentType,
    size: a.size,
    content: a.content,
    inline: a.contentDisposition === 'inline' || a.related === true,
    ...(a.cid === undefined ? {} : { contentId: a.cid }),
    ...(contains.length === 0 ? {} : { contains }),
  };
}

export function toInboundMail(parsed: ParsedMail, problems: readonly MailProblem[] = []): InboundMail {
  const headers = headerMap(parsed);
  const extra = ['delivered-to', 'x-original-to'].flatMap((h) => {
    const v = headers.get(h);
    return v === undefined ? [] : [v.replace(/[<>]/g, '').trim().toLowerCase()];
  });
  const from = addresses(parsed.from)[0] ?? null;
  const subject = oneLine(parsed.subject ?? '');
  const text = (parsed.text ?? '').replace(TEXT_UNSAFE, '');
  const unreadable = unreadableText(`${parsed.subject ?? ''}\n${parsed.text ?? ''}`);
  return {
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: bareIds(parsed.references),
    from,
    recipients: [...addresses(parsed.to), ...addresses(parsed.cc)].map((a) => a.email).concat(extra),
    subject,
    text,
    headers,
    contentType: (headers.get('content-type') ?? 'text/plain').toLowerCase(),
    date: parsed.date ?? null,
    attachments: parsed.attachments.map(attachment),
    problems: unreadable === undefined ? problems : [...problems, unreadable],
  };
}

/** What can still be said about a message that mailparser could not read at all. */
function unparsed(raw: Buffer, problems: readonly MailProblem[], err: unknown): InboundMail {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 65_536) : end).toString('latin1');
  const from = /[\w.+-]+@[\w-]+(\.[\w-]+)*/.exec(rawHeader(head, 'from') ?? '')?.[0]?.toLowerCase();
  const message = err instanceof Error ? err.message : String(err);
  return {
    messageId: null, inReplyTo: null, references: [], from: from === undefined ? null : { email: from, name: '' },
    recipients: [], subject: oneLine(rawHeader(head, 'subject') ?? ''), text: '', headers: new Map(),
    contentType: 'text/plain', date: null, attachments: [],
    problems: [...problems, { code: 'broken_mime', detail: `the message cannot be parsed: ${snippet(message, 120)}` }],
  };
}

export async function parseMail(received: Buffer): Promise<InboundMail> {
  const unwrapped = withoutMboxFromLine(received);
  const raw = multipartWithoutParts(unwrapped) ?? unwrapped;
  const problems = rawProblems(raw);
  try {
    return toInboundMail(await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true }), problems);
  } catch (err) {
    return unparsed(raw, problems, err);
  }
}
