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
};

/** Every command word, per language, for help texts. */
export const COMMAND_HELP: Readonly<Record<'ar' | 'en', readonly string[]>> = {
  ar: ['#حل', '#ملاحظة', '#أولوية', '#تعيين', '#خطة', '#موعد', '#تصعيد', '#تواصل', '#السياسة', '#عميل', '#توجيه'],
  en: ['#resolve', '#note', '#priority', '#assign', '#plan', '#deadline', '#escalate', '#contact', '#policy', '#customer', '#route'],
};

const ROOT_CAUSE = /^(السبب الجذري|السبب|سبب المشكلة|root cause|cause)\s*[:：-]\s*(.*)$/i;
const PREVENTION = /^(الإجراء الوقائي|الاجراء الوقائي|الإجراءات الوقائية|الإجراء التصحيحي|إجراء وقائي|preventive measures?|prevention)\s*[:：-]\s*(.*)$/i;

export type ParsedCommand =
  | { name: 'resolve'; rootCause: string; prevention: string; text: string }
  /** `arg` is the rest of the command's line; `text` is everything after the command word. */
  | { name: Exclude<CommandName, 'resolve'>; arg: string; text: string }
  | { name: 'unknown'; word: string; text: string };

/** Collects "Label: value" fields; a value may continue on the following lines until the next label. */
function fields(lines: readonly string[]): { rootCause: string; prevention: string; rest: string[] } {
  let rootCause = '';
  let prevention = '';
  const rest: string[] = [];
  let current: 'rootCause' | 'prevention' | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    const rc = ROOT_CAUSE.exec(line);
    const pv = PREVENTION.exec(line);
    if (rc !== null) { current = 'rootCause'; rootCause = rc[2] ?? ''; continue; }
    if (pv !== null) { current = 'prevention'; prevention = pv[2] ?? ''; continue; }
    if (line === '') { current = undefined; continue; }
    if (current === 'rootCause') rootCause += `\n${line}`;
    else if (current === 'prevention') prevention += `\n${line}`;
    else rest.push(line);
  }
  return { rootCause: rootCause.trim(), prevention: prevention.trim(), rest };
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
    return { name, rootCause: f.rootCause, prevention: f.prevention, text: f.rest.join('\n') };
  }
  if (name !== undefined) return { name, arg: (m[2] ?? '').trim(), text };
  return { name: 'unknown', word, text };
}
