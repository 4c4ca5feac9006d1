/** Turns a raw RFC 5322 message into the InboundMail the rules work on (mailparser does the MIME work). */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { InboundMail, MailAddress } from '../domain/mail.ts';

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value).flatMap((v) => {
    const inner = v.group ?? [v];
    return inner.filter((x) => typeof x.address === 'string' && x.address.includes('@'))
      .map((x) => ({ email: (x.address ?? '').toLowerCase(), name: x.name }));
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

export function toInboundMail(parsed: ParsedMail): InboundMail {
  const headers = headerMap(parsed);
  const extra = ['delivered-to', 'x-original-to'].flatMap((h) => {
    const v = headers.get(h);
    return v === undefined ? [] : [v.replace(/[<>]/g, '').toLowerCase()];
  });
  const from = addresses(parsed.from)[0] ?? null;
  return {
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: bareIds(parsed.references),
    from,
    recipients: [...addresses(parsed.to), ...addresses(parsed.cc)].map((a) => a.email).concat(extra),
    subject: parsed.subject ?? '',
    text: (parsed.text ?? '').replace(/\u0000/g, ''),
    headers,
    contentType: (headers.get('content-type') ?? 'text/plain').toLowerCase(),
    date: parsed.date ?? null,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? '(unnamed)', contentType: a.contentType, size: a.size,
    })),
  };
}

export async function parseMail(raw: Buffer): Promise<InboundMail> {
  return toInboundMail(await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true }));
}
