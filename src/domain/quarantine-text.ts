/** Why a message was quarantined, explained to its sender in their language (never the raw technical detail). */
import type { QuarantineCode } from './classify.ts';
import type { Locale } from './dates.ts';

const TEXT: Readonly<Record<QuarantineCode, Record<Locale, string>>> = {
  nul_bytes: {
    ar: 'تحتوي الرسالة على بايتات فارغة (NUL) لا يسمح بها معيار البريد الإلكتروني، وغالباً ما يعني ذلك تلفها أثناء الإرسال.',
    en: 'the message contains NUL bytes, which email does not allow; it was usually damaged on the way.',
  },
  no_header: {
    ar: 'لا تبدأ الرسالة بترويسات بريد صالحة.', en: 'the message does not start with valid email headers.',
  },
  header_too_large: {
    ar: 'ترويسات الرسالة أكبر من الحد المسموح.', en: 'the message headers are larger than allowed.',
  },
  broken_mime: {
    ar: 'بنية الرسالة (MIME) تالفة فلا يمكن قراءة محتواها ومرفقاتها بأمان.',
    en: 'the structure of the message (MIME) is broken, so its text and attachments cannot be read safely.',
  },
  unreadable_text: {
    ar: 'نص الرسالة غير مقروء: ترميز الأحرف المعلن لا يطابق المحتوى. أعيدوا الإرسال بترميز UTF-8 من فضلكم.',
    en: 'the text cannot be read: the declared character set does not match the content. Please send it again as UTF-8.',
  },
  bad_sender: {
    ar: 'عنوان المرسل غير صالح.', en: 'the sender address is not valid.',
  },
  no_sender: {
    ar: 'لا يوجد عنوان مرسل.', en: 'there is no sender address.',
  },
  too_large: {
    ar: 'حجم الرسالة أكبر من الحد المسموح. أرسلوا المرفقات الكبيرة برابط مشاركة بدلاً من إرفاقها.',
    en: 'the message is larger than allowed. Please share large files as a link instead of attaching them.',
  },
  unknown_ticket: {
    ar: 'الرسالة رد على تذكرة غير موجودة في النظام.', en: 'the message replies to a ticket that does not exist.',
  },
  empty: {
    ar: 'الرسالة بلا موضوع ولا نص، فلا يوجد ما يُصعَّد.', en: 'the message has no subject and no text, so there is nothing to escalate.',
  },
};

export function quarantineText(code: QuarantineCode, locale: Locale): string {
  return TEXT[code][locale];
}

/** Codes where the sender address itself cannot be trusted: never write back. */
export const NO_NOTICE: ReadonlySet<QuarantineCode> = new Set(['no_sender', 'bad_sender']);
