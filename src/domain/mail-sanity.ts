/**
 * Checks on the raw bytes of a message, before anyone trusts what a MIME parser makes of it. Each problem found
 * quarantines the message with a reason a person can act on.
 */
import type { MailProblem } from './mail.ts';

export const MAX_HEADER_BYTES = 128 * 1024;

/** Where the header section ends (index of the blank line) or -1. */
export function headerEnd(raw: Uint8Array): number {
  for (let i = 0; i < raw.length - 1; i += 1) {
    if (raw[i] !== 10) continue;
    if (raw[i + 1] === 10) return i;
    if (raw[i + 1] === 13 && raw[i + 2] === 10) return i;
  }
  return -1;
}

/** Printable, short and single-line: safe to put into a reason that people read. */
export function snippet(text: string, max = 40): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** The unfolded value of a header field in a header section (latin1 text), or undefined. */
export function rawHeader(head: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return m?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

function boundaryOf(contentType: string): string | undefined {
  const m = /boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;"]{1,200}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

export function rawProblems(raw: Uint8Array, maxHeaderBytes = MAX_HEADER_BYTES): MailProblem[] {
  const problems: MailProblem[] = [];
  const nul = raw.indexOf(0);
  if (nul !== -1) {
    let count = 0;
    for (const b of raw) if (b === 0) count += 1;
    problems.push({ code: 'nul_bytes', detail: `contains ${count} NUL byte(s), first at byte ${nul}; email may not contain NUL (RFC 5322)` });
  }
  const end = headerEnd(raw);
  const headBytes = end === -1 ? raw.length : end;
  if (headBytes > maxHeaderBytes) {
    problems.push({ code: 'header_too_large', detail: `the header section is ${headBytes} bytes, over the limit of ${maxHeaderBytes}` });
    return problems;
  }
  const head = Buffer.from(raw.buffer, raw.byteOffset, headBytes).toString('latin1');
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  if (!/^[\x21-\x39\x3b-\x7e]{1,100}:/.test(firstLine)) {
    problems.push({ code: 'no_header', detail: `the message does not start with a header field (it starts with "${snippet(firstLine)}")` });
    return problems;
  }
  const contentType = rawHeader(head, 'content-type') ?? '';
  if (/^\s*multipart\//i.test(contentType)) {
    const boundary = boundaryOf(contentType);
    const body = end === -1 ? '' : Buffer.from(raw.buffer, raw.byteOffset + end, raw.length - end).toString('latin1');
    if (boundary === undefined) {
      problems.push({ code: 'broken_mime', detail: 'a multipart message without a boundary parameter' });
    } else if (!body.includes(`--${boundary}`)) {
      problems.push({ code: 'broken_mime', detail: `the multipart boundary "${snippet(boundary)}" never appears in the body` });
    }
  }
  return problems;
}

/** Text that decoded badly (wrong or missing charset, binary junk): replacement and control characters. */
export function unreadableText(text: string): MailProblem | undefined {
  const sample = text.slice(0, 100_000);
  const bad = sample.match(/[\uFFFD\u0001-\u0008\u000B\u000E-\u001F\u007F]/g)?.length ?? 0;
  if (bad < 8 || bad < sample.length * 0.1) return undefined;
  return {
    code: 'unreadable_text',
    detail: `${bad} of ${sample.length} characters cannot be read (the declared charset is wrong or the body is binary)`,
  };
}

/**
 * A message saved from an mbox archive starts with the mbox separator `From sender date` (a space, no colon: never
 * a header field). The message proper starts on the next line.
 */
export function withoutMboxFromLine(raw: Buffer): Buffer {
  if (raw.length < 5 || raw.subarray(0, 5).toString('latin1') !== 'From ') return raw;
  const lf = raw.indexOf(10);
  return lf === -1 ? raw : raw.subarray(lf + 1);
}

/**
 * A message that declares multipart but whose boundary never appears (a broken mailer) has no parts to find; its
 * body is the text the person wrote. Read it as text/plain in the declared charset; text that is still unreadable is
 * caught afterwards like any other (unreadableText).
 */
export function multipartWithoutParts(raw: Buffer): Buffer | undefined {
  const end = headerEnd(raw);
  if (end === -1) return undefined;
  const head = raw.subarray(0, end).toString('latin1');
  const contentType = rawHeader(head, 'content-type') ?? '';
  if (!/^\s*multipart\//i.test(contentType)) return undefined;
  const boundary = boundaryOf(contentType);
  const body = raw.subarray(end).toString('latin1');
  if (boundary !== undefined && body.includes(`--${boundary}`)) return undefined;
  const charset = /charset\s*=\s*"?([\w.:-]{1,40})/i.exec(contentType)?.[1] ?? 'utf-8';
  const plain = head.replace(/^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im, `Content-Type: text/plain; charset=${charset}`);
  return Buffer.concat([Buffer.from(plain, 'latin1'), raw.subarray(end)]);
}
