/**
 * Text people wrote (a subject, a name, a note) set inside our own sentences is isolated, so an English subject in an
 * Arabic email, or an Arabic name in an English one, keeps its own order (Outlook, Gmail, Apple Mail all follow the
 * Unicode bidi algorithm): FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE in plain text and subjects, one pair per
 * line because a line break ends every isolate; `<bdi>` in HTML.
 */
export const FSI = '\u2068';
export const PDI = '\u2069';

export function isolateText(text: string): string {
  return text.split('\n').map((line) => (line === '' ? line : `${FSI}${line}${PDI}`)).join('\n');
}

/** Our own isolates removed, e.g. before user text goes back into a header we build elsewhere. */
export function withoutIsolates(text: string): string {
  return text.replace(/[\u2066-\u2069]/g, '');
}
