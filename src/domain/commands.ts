/**
 * Email commands in the first lines of a reply (after quoted text is stripped), Arabic or English:
 *   #حل السبب: … الإجراء الوقائي: …   /   #resolve Root cause: … Prevention: …
 */
import type { CommandName } from './policy.ts';

const WORDS: Readonly<Record<string, CommandName>> = {
  'حل': 'resolve', 'resolve': 'resolve', 'ملاحظة': 'note', 'note': 'note', 'توجيه': 'route', 'route': 'route',
  'أولوية': 'priority', 'اولوية': 'priority', 'الأولوية': 'priority', 'priority': 'priority',
  'تعيين': 'assign', 'assign': 'assign', 'خطة': 'plan', 'الخطة': 'plan', 'plan': 'plan',
  'موعد': 'deadline', 'الموعد': 'deadline', 'deadline': 'deadline', 'تصعيد': 'escalate', 'escalate': 'escalate',
  'السياسة': 'policy', 'سياسة': 'policy', 'policy': 'policy', 'تواصل': 'contact', 'contact': 'contact',
  'عميل': 'customer', 'العميل': 'customer', 'customer': 'customer',
  'انتظار': 'hold', 'الانتظار': 'hold', 'hold': 'hold', 'استئناف': 'resume', 'resume': 'resume',
};

/** Every command word, per language, for help texts. */
export const COMMAND_HELP: Readonly<Record<'ar' | 'en', readonly string[]>> = {
  ar: ['#حل', '#ملاحظة', '#أولوية', '#تعيين', '#خطة', '#موعد', '#تصعيد', '#تواصل', '#السياسة', '#عميل', '#توجيه', '#انتظار', '#استئناف'],
  en: ['#resolve', '#note', '#priority', '#assign', '#plan', '#deadline', '#escalate', '#contact', '#policy', '#customer', '#route', '#hold', '#resume'],
};

/** The command word a person of that language would write (the web desk's commands carry it like an email's). */
export function commandWord(name: CommandName, locale: 'ar' | 'en'): string {
  const i = COMMAND_HELP.en.indexOf(`#${name}`);
  return (COMMAND_HELP[locale][i] ?? `#${name}`).slice(1);
}

const ROOT_CAUSE = /^(السبب الجذري|السبب|سبب المشكلة|root cause|cause)\s*[:：-]\s*(.*)$/i;
const PREVENTION = /^(الإجراء الوقائي|الاجراء الوقائي|الإجراءات الوقائية|الإجراء التصحيحي|إجراء وقائي|preventive measures?|prevention)\s*[:：-]\s*(.*)$/i;

export type ParsedCommand =
  /** `word` is the command word as the sender wrote it (حل, resolve), for replies in their words. */
  | { name: 'resolve'; word: string; rootCause: string; prevention: string; text: string }
  /** `arg` is the rest of the command's line; `text` is everything after the command word. */
  | { name: Exclude<CommandName, 'resolve'>; word: string; arg: string; text: string }
  | { name: 'unknown'; word: string; text: string };

/**
 * Collects the "Label: value" fields of a #حل. A label line that carries text is the whole field; a label standing
 * alone takes the lines after it up to a blank line or the next label. Every other line is the reply's comment,
 * recorded and shown but never counted as a cause or a measure.
 */
function fields(lines: readonly string[]): { rootCause: string; prevention: string; rest: string[] } {
  const value = { rootCause: [] as string[], prevention: [] as string[] };
  const rest: string[] = [];
  let open: keyof typeof value | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    const rc = ROOT_CAUSE.exec(line);
    const pv = PREVENTION.exec(line);
    const label = rc !== null ? 'rootCause' : pv !== null ? 'prevention' : undefined;
    if (label !== undefined) {
      const text = ((rc ?? pv)?.[2] ?? '').trim();
      value[label] = text === '' ? [] : [text];
      open = text === '' ? label : undefined;
      continue;
    }
    if (line === '') { open = undefined; continue; }
    if (open !== undefined) value[open].push(line);
    else rest.push(line);
  }
  return { rootCause: value.rootCause.join('\n'), prevention: value.prevention.join('\n'), rest };
}

/** The command of a reply, if its new text starts with one (blank lines before it are allowed). */
export function parseCommand(newText: string): ParsedCommand | undefined {
  const lines = newText.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first === -1) return undefined;
  const m = /^#\s?([\p{L}_-]+)\s*(.*)$/u.exec((lines[first] ?? '').trim());
  if (m === null) return undefined;
  const word = (m[1] ?? '').toLowerCase();
  const body = [m[2] ?? '', ...lines.slice(first + 1)];
  const text = body.join('\n').trim();
  const name = WORDS[word];
  if (name === 'resolve') {
    const f = fields(body);
    return { name, word, rootCause: f.rootCause, prevention: f.prevention, text: f.rest.join('\n') };
  }
  if (name !== undefined) return { name, word, arg: (m[2] ?? '').trim(), text };
  return { name: 'unknown', word, text };
}

/** Everything a #حل lacks (policy 004 step 11), named at once in both languages; undefined when nothing is missing. */
export function missingResolveFields(cmd: { rootCause: string; prevention: string }): { ar: string; en: string } | undefined {
  const missing = [
    ...(cmd.rootCause === '' ? [{ ar: 'السبب الجذري', en: 'the root cause' }] : []),
    ...(cmd.prevention === '' ? [{ ar: 'الإجراء الوقائي', en: 'the preventive measure' }] : []),
  ];
  if (missing.length === 0) return undefined;
  return { ar: missing.map((m) => m.ar).join(' و'), en: missing.map((m) => m.en).join(' and ') };
}
