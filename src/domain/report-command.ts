/**
 * The command a manager can reply to a report with (first line of the new text, quoted text already stripped):
 *   #رفع <note>   /   #forward <note>     — send the report on (to the General Manager by default), with a note
 * The note is the rest of the first line and the lines after it.
 */
const FORWARD = new Set(['رفع', 'forward']);

export type ReportCommand =
  | { name: 'forward'; note: string }
  | { name: 'unknown'; word: string; text: string };

export function parseReportCommand(newText: string): ReportCommand | undefined {
  const lines = newText.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first === -1) return undefined;
  const m = /^#\s?([\p{L}_-]+)\s*(.*)$/u.exec((lines[first] ?? '').trim());
  if (m === null) return undefined;
  const word = (m[1] ?? '').toLowerCase();
  const text = [m[2] ?? '', ...lines.slice(first + 1)].join('\n').trim();
  return FORWARD.has(word) ? { name: 'forward', note: text } : { name: 'unknown', word, text };
}
