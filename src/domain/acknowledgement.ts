/** A short "thank you" / "received" reply: it closes a conversation, it does not reopen a resolved ticket. */
import { normalizeForMatch } from './arabic-text.ts';

const THANKS = /^(شكرا|شكر|مشكور|مشكورين|جزاك الله|جزاكم الله|تمام|تم الاستلام|وصلت|ممتاز|الله يعطيك|يعطيك العافيه|thanks|thank you|thx|ok|okay|received|noted|great|perfect)(?=$|\s)/u;
/** Words that turn a thank-you into a new problem report. */
const BUT = /(^|\s)(لكن|ولكن|مازال|مازالت|ما زال|ما زالت|لم|عاد|عادت|مره اخرى|but|however|still|again|not)(?=$|\s)/u;

export function isAcknowledgement(text: string): boolean {
  const t = normalizeForMatch(text).replace(/[\p{P}\p{S}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return t.length > 0 && t.length <= 60 && THANKS.test(t) && !BUT.test(t);
}
