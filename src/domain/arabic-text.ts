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

/** True when a phrase stands in the text as a whole word or words (Arabic letters count as word characters). */
export function containsPhrase(normalizedText: string, phrase: string): boolean {
  const p = normalizeForMatch(phrase).trim();
  if (p === '') return false;
  const escaped = p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])(ال)?${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(normalizedText);
}
