/** Keeps only the new text of a reply: cuts quoted history and signatures of Arabic and English mail clients. */
const CUT_LINE: readonly RegExp[] = [
  /^-{2,}\s*(original message|الرسالة الأصلية)\s*-{2,}/i,
  /^_{10,}\s*$/,                                   // Outlook's line above the quoted header block
  /^(from|من|المرسل)\s*:\s*\S/i,                   // Outlook header block: From: / من:
  /^on\b.{4,200}\bwrote:\s*$/i,                    // Gmail / Apple: On … wrote:
  /^في\s.{4,200}\s?كتب\s*:?\s*$/,                  // Gmail Arabic: في … كتب:
  /^>/,                                            // > quoting
  /^--\s?$/,                                       // signature separator
  /^(sent from my|أرسلت من|مرسل من)\s/i,
];

export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = lines.findIndex((line) => CUT_LINE.some((re) => re.test(line.trim())));
  const kept = cut === -1 ? lines : lines.slice(0, cut);
  return kept.join('\n').trim();
}
