/**
 * The original message's attachments in the head's copy and in every escalation: each is listed (name, type, size);
 * the stored ones are attached in their order while they fit the policy's limit for all of them together
 * (`attachments.copy_limit`, 10 MB by default), and a line says which were left out and why. Inline images stay
 * inline (sent with their Content-ID and shown in the copy).
 */
import { z } from 'zod';
import type { Locale } from './dates.ts';
import { countText } from './plural.ts';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes from "10MB", "512 KB", "0" or a number of bytes. */
export function parseByteSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(v);
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

const byteSize = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a size (use e.g. 10MB, 512KB, or 0 to attach nothing)` });
    return z.NEVER;
  }
  return n;
});

export const attachmentsPolicySchema = z.object({
  /** The original's attachments sent with the head's copy and each escalation, in all. */
  copy_limit: byteSize.default(10 * 1024 * 1024),
}).strict().prefault({});

export interface OriginalAttachment {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  contentId: string | null;
  /** False when it was only listed on arrival (over the inbound limits). */
  stored: boolean;
}

export type LeftOut = 'over_limit' | 'not_stored';

export interface CopyPlan {
  attach: OriginalAttachment[];
  leftOut: { file: OriginalAttachment; why: LeftOut }[];
}

export function planCopyAttachments(files: readonly OriginalAttachment[], limit: number): CopyPlan {
  const plan: CopyPlan = { attach: [], leftOut: [] };
  let total = 0;
  for (const f of files) {
    if (!f.stored) plan.leftOut.push({ file: f, why: 'not_stored' });
    else if (total + f.size > limit) plan.leftOut.push({ file: f, why: 'over_limit' });
    else {
      plan.attach.push(f);
      total += f.size;
    }
  }
  return plan;
}

/** "2.5 MB" / "2.5 ميغابايت". */
export function sizeText(bytes: number, locale: Locale): string {
  const [n, ar, en] = bytes >= 1024 ** 2 ? [bytes / 1024 ** 2, 'ميغابايت', 'MB']
    : bytes >= 1024 ? [bytes / 1024, 'كيلوبايت', 'KB'] : [bytes, 'بايت', 'bytes'];
  const shown = n >= 10 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1);
  return `${shown} ${locale === 'ar' ? ar : en}`;
}

export interface ListedFile {
  name: string;
  type: string;
  size: string;
  attached: boolean;
  inline: boolean;
  /** For <img src="cid:…"> of an attached inline image. */
  cid: string | null;
  status: string;
}

export interface CopyFiles {
  items: ListedFile[];
  /** Attached inline images, shown in the copy's HTML. */
  images: ListedFile[];
  /** What was left out, in one line; null when everything is attached. */
  note: string | null;
}

const STATUS: Record<Locale, Record<'attached' | 'inline' | LeftOut, string>> = {
  ar: { attached: 'مرفق', inline: 'صورة ضمن الرسالة', over_limit: 'لم يُرفق (تجاوز الحد)', not_stored: 'لم يُحفظ عند الاستلام' },
  en: { attached: 'attached', inline: 'inline image', over_limit: 'not attached (over the limit)', not_stored: 'not kept on arrival' },
};

/** The list and the "left out" line, in the reader's language; `cidOf` names the Content-ID an image is sent with. */
export function describeCopyFiles(plan: CopyPlan, files: readonly OriginalAttachment[], limit: number, locale: Locale,
  cidOf: (f: OriginalAttachment) => string): CopyFiles {
  const left = new Map(plan.leftOut.map((l) => [l.file.id, l.why]));
  const items = files.map((f): ListedFile => {
    const why = left.get(f.id);
    const attached = why === undefined;
    return {
      name: f.filename, type: f.contentType, size: sizeText(f.size, locale), attached, inline: f.inline,
      cid: attached && f.inline ? cidOf(f) : null, status: STATUS[locale][why ?? (f.inline ? 'inline' : 'attached')],
    };
  });
  return { items, images: items.filter((i) => i.cid !== null), note: leftOutLine(plan, limit, locale) };
}

function leftOutLine(plan: CopyPlan, limit: number, locale: Locale): string | null {
  if (plan.leftOut.length === 0) return null;
  const over = plan.leftOut.filter((l) => l.why === 'over_limit').map((l) => l.file);
  const unkept = plan.leftOut.filter((l) => l.why === 'not_stored').map((l) => l.file);
  const names = (list: readonly OriginalAttachment[]): string =>
    list.map((f) => `\u2068${f.filename}\u2069 (${sizeText(f.size, locale)})`).join(locale === 'ar' ? '، ' : ', ');
  const parts: string[] = [];
  if (locale === 'ar') {
    if (over.length > 0) parts.push(`لم يُرفق ${countText(over.length, 'file', 'ar')} لأن مرفقات النسخة لا تتجاوز ${sizeText(limit, 'ar')} في مجموعها: ${names(over)}`);
    if (unkept.length > 0) parts.push(`ولم يُحفظ عند الاستلام (تجاوز حدود البريد الوارد): ${names(unkept)}`);
    return `${parts.join('. ')}. الملفات كاملة في الرسالة الأصلية لدى الكور.`;
  }
  if (over.length > 0) parts.push(`${countText(over.length, 'file', 'en')} not attached because a copy carries at most ${sizeText(limit, 'en')} of attachments in all: ${names(over)}`);
  if (unkept.length > 0) parts.push(`not kept on arrival (over the inbound limits): ${names(unkept)}`);
  return `${parts.join('. ')}. The full files are in the original message at the Core desk.`;
}
