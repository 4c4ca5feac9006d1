/**
 * Keeps only the new text of a reply: cuts the quoted history and the signature that Arabic and English mail
 * clients add (Outlook header blocks and "Original Message" lines, Gmail "On … wrote:" / "في … كتب:", `>`
 * quoting, sign-offs such as «مع التحية» followed by a name and title, "Sent from my iPhone").
 */
import { normalizeForMatch } from './arabic-text.ts';

/** Bidirectional marks that Gmail and Outlook put around Arabic lines; they must not defeat matching. */
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Lines from which everything is history. */
const HISTORY: readonly RegExp[] = [
  /^-{2,}\s*(original message|الرسالة الأصلية|الرسالة الاصلية|message d'origine|ursprüngliche nachricht)\s*-{2,}/i,
  /^-{2,}\s*(forwarded message|رسالة (مُ|م)?عاد توجيهها|الرسالة المعاد توجيهها)\s*-{2,}/i,
  /^(begin forwarded message|بداية الرسالة المعاد توجيهها)\s*:/i,
  /^[_━─=-]{10,}\s*$/,                            // Outlook's rule above its header block; an HTML <hr>
];

/** The first line of an Outlook header block, and the lines that follow it in such a block. */
const BLOCK_FROM = /^\*?(from|من|المرسل|de|von)\s*:\*?\s*\S/i;
const BLOCK_FIELD = /^\*?(sent|date|to|subject|cc|تاريخ الإرسال|تاريخ الارسال|أُرسلت|أرسلت|ارسلت|أرسل|التاريخ|إلى|الى|الموضوع|نسخة|نسخة إلى|envoyé|à|objet|gesendet|an|betreff)\s*:/i;

/** Attribution lines of Gmail, Apple Mail, Thunderbird (possibly wrapped over two lines). */
const ATTRIBUTION: readonly RegExp[] = [
  /^on\b.{4,300}\bwrote\s*:?\s*$/i,
  /^في\s.{4,300}\s?كتب\s*:?\s*$/,
  /^le\s.{4,300}\sa écrit\s*:?\s*$/i,
  /^am\s.{4,300}\sschrieb\s.{0,200}:?\s*$/i,
  /^.{2,200}\s(wrote|كتب)\s*:\s*$/i,
];

const SIGNATURE_START: readonly RegExp[] = [
  /^--\s?$/,
  /^(sent from my|sent from outlook|sent from mail for|get outlook for|أرسلت من|أُرسلت من|مرسل من|مُرسل من|تم الإرسال من|ارسلت من)\s/i,
];

/** Sign-offs that start a signature block (matched on the whole line, after normalisation). */
const SIGN_OFFS = new Set([
  'regards', 'best regards', 'kind regards', 'warm regards', 'warmest regards', 'best', 'best wishes', 'thanks',
  'many thanks', 'thank you', 'thanks and regards', 'thanks & regards', 'cheers', 'sincerely', 'yours sincerely', 'br',
  'مع التحية', 'مع التحيه', 'مع تحياتي', 'تحياتي', 'مع خالص التحية', 'مع خالص التحيات', 'مع أطيب التحيات',
  'مع اطيب التحيات', 'مع فائق الاحترام', 'مع الشكر', 'مع الشكر والتقدير', 'مع التقدير', 'شكرا', 'شكراً', 'شكرًا',
  'شكرا لكم', 'شكراً لكم', 'وشكرا', 'وشكراً', 'وتقبلوا فائق الاحترام', 'وتقبلوا تحياتي', 'تحياتي وتقديري',
  'ودمتم بخير', 'ودمتم', 'ودمتم سالمين', 'والسلام', 'والسلام عليكم', 'والسلام عليكم ورحمة الله وبركاته',
].map((s) => normalizeForMatch(s)));

/** Signature lines after a sign-off are few and short: a name, a title, a department, a phone number. */
const MAX_SIGNATURE_LINES = 6;
const MAX_SIGNATURE_LINE = 80;

const clean = (line: string): string => line.replace(BIDI, '').trim();

function isOutlookBlock(lines: readonly string[], i: number): boolean {
  if (!BLOCK_FROM.test(clean(lines[i] ?? ''))) return false;
  return lines.slice(i + 1, i + 6).some((l) => BLOCK_FIELD.test(clean(l)));
}

function isAttribution(lines: readonly string[], i: number): { span: number } | undefined {
  const one = clean(lines[i] ?? '');
  if (one === '' || one.startsWith('>')) return undefined;
  if (ATTRIBUTION.some((re) => re.test(one))) return { span: 1 };
  const two = `${one} ${clean(lines[i + 1] ?? '')}`;
  if (/^(on|في|le|am)\s/i.test(one) && ATTRIBUTION.some((re) => re.test(two))) return { span: 2 };
  return undefined;
}

/** The index where history starts, and whether the lines after it are only a `>` quote (bottom posting). */
function historyStart(lines: readonly string[]): { at: number; quoteOnly: boolean; span: number } | undefined {
  for (let i = 0; i < lines.length; i += 1) {
    const line = clean(lines[i] ?? '');
    if (HISTORY.some((re) => re.test(line)) || isOutlookBlock(lines, i)) return { at: i, quoteOnly: false, span: 0 };
    const attribution = isAttribution(lines, i);
    if (attribution !== undefined) {
      const next = lines.slice(i + attribution.span).find((l) => clean(l) !== '');
      return { at: i, quoteOnly: next !== undefined && clean(next).startsWith('>'), span: attribution.span };
    }
  }
  return undefined;
}

function cutSignature(lines: string[]): string[] {
  const sig = lines.findIndex((l) => SIGNATURE_START.some((re) => re.test(clean(l))));
  const kept = sig === -1 ? lines : lines.slice(0, sig);
  const firstText = kept.findIndex((l) => clean(l) !== '');
  for (let i = kept.length - 1; i > firstText; i -= 1) {
    const words = normalizeForMatch(clean(kept[i] ?? '')).replace(/[\s,،.!؛:]+$/u, '');
    if (!SIGN_OFFS.has(words)) continue;
    const after = kept.slice(i + 1).filter((l) => clean(l) !== '');
    if (after.length <= MAX_SIGNATURE_LINES && after.every((l) => clean(l).length <= MAX_SIGNATURE_LINE)) return kept.slice(0, i);
  }
  return kept;
}

export function stripQuoted(text: string): string {
  let lines = text.replace(/\r\n?/g, '\n').split('\n');
  // Bottom-posted replies put the new text after a quoted block; drop attribution + quote and look again.
  for (let guard = 0; guard < 20; guard += 1) {
    const h = historyStart(lines);
    if (h === undefined) break;
    if (!h.quoteOnly) { lines = lines.slice(0, h.at); break; }
    lines = [...lines.slice(0, h.at), ...lines.slice(h.at + h.span)];
  }
  lines = lines.filter((l) => !clean(l).startsWith('>'));
  return cutSignature(lines).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
