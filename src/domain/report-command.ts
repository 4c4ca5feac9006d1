/**
 * The command a manager can reply to a report with (first line of the new text, quoted text already stripped):
 *   #رفع <note>   /   #forward <note>     — send the report on (to the General Manager by default), with a note
 * The note is the rest of the first line and the lines after it. Read with the ticket commands' parser, where
 * #رفع is not a ticket command; a ticket command (#حل …) in a reply to a report is unknown here.
 */
import { parseCommand } from './commands.ts';

const FORWARD = new Set(['رفع', 'forward']);

export type ReportCommand =
  | { name: 'forward'; note: string }
  | { name: 'unknown'; word: string };

export function parseReportCommand(newText: string): ReportCommand | undefined {
  const c = parseCommand(newText);
  if (c === undefined) return undefined;
  if (c.name === 'unknown' && FORWARD.has(c.word)) return { name: 'forward', note: c.text };
  return { name: 'unknown', word: c.name === 'unknown' ? c.word : c.name };
}
