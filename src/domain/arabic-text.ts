/** Normalises Arabic (and English) text for matching: no diacritics or tatweel, one form of alef/yaa/taa marbuta. */
const DIACRITICS = /[\u064B-\u065F\u0670\u0640]/g;

export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(DIACRITICS, '')
    .replace(/[إأآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .toLowerCase();
}

interface PhrasePattern { text: string; re: RegExp }

// Compiling a \p{L} pattern costs far more than running it, and the phrases are the policy's few keywords and names.
const phrasePatterns = new Map<string, PhrasePattern | null>();

function phrasePattern(phrase: string): PhrasePattern | null {
  let pattern = phrasePatterns.get(phrase);
  if (pattern === undefined) {
    const p = normalizeForMatch(phrase).trim();
    const escaped = p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = p === '' ? null : { text: p, re: new RegExp(`(^|[^\\p{L}\\p{N}])(ال)?${escaped}($|[^\\p{L}\\p{N}])`, 'u') };
    if (phrasePatterns.size > 10_000) phrasePatterns.clear();
    phrasePatterns.set(phrase, pattern);
  }
  return pattern;
}

/** True when a phrase stands in the text as a whole word or words (Arabic letters count as word characters). */
export function containsPhrase(normalizedText: string, phrase: string): boolean {
  const pattern = phrasePattern(phrase);
  // The substring test is much cheaper and rules out almost every phrase before the word-boundary pattern runs.
  return pattern !== null && normalizedText.includes(pattern.text) && pattern.re.test(normalizedText);
}
