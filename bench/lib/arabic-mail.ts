/**
 * Realistic Arabic email as departments send it (Outlook/Exchange shape): Received chain, DKIM signature,
 * Thread-Index, multipart/alternative with a base64 UTF-8 text part and an RTL HTML part, ~5 KB on the wire.
 * Deterministic: the same seed gives the same bytes.
 */
import { createHash } from 'node:crypto';

export { prng as rng } from '../../scripts/prng.ts';

export const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

const SENTENCES = [
  'نفيدكم بأن العميل تواصل معنا للمرة الثالثة هذا الأسبوع بخصوص الطلب نفسه دون أن يصله أي رد واضح.',
  'نرجو التكرم بالاطلاع واتخاذ اللازم في أقرب وقت ممكن حيث إن العميل يطالب بالتصعيد إلى الإدارة العليا.',
  'تم رفع الطلب عبر الموقع الإلكتروني بتاريخ سابق ولم يتم تحديث حالته حتى الآن رغم المتابعة الهاتفية المتكررة.',
  'العميل من كبار العملاء لدينا وعقده قيد التجديد، والتأخير الحالي قد يؤثر على قرار التجديد.',
  'أرفقنا في الرسالة السابقة صورة من الإيصال ورقم المرجع، ونأمل مراجعة السجلات لدى فريقكم.',
  'حسب سياسة التصعيد المعتمدة يجب الرد خلال أربع وعشرين ساعة من تاريخ استلام الطلب.',
  'نلاحظ تكرار هذه المشكلة مع عدد من العملاء في المنطقة الشرقية خلال الشهر الحالي.',
  'نقترح عقد اجتماع قصير مع الفريق المختص لتحديد السبب الجذري ووضع إجراء وقائي يمنع تكرارها.',
  'أفاد العميل بأنه سيتقدم ببلاغ رسمي إلى الجهة الرقابية إذا لم تُحل المشكلة خلال يومين.',
  'تم التحقق من بيانات العميل ورقم الهوية ومطابقتها مع السجلات قبل رفع هذا التصعيد.',
  'يرجى إفادتنا بالموعد المتوقع للحل حتى نتمكن من إبلاغ العميل وتهدئة الموقف.',
  'نشكر لكم تعاونكم الدائم ونتطلع إلى ردكم الكريم في أقرب فرصة.',
  'الموظف المسؤول عن الطلب خارج المكتب، ولم يتم تحويل المهام إلى زميل بديل حسب الإجراء.',
  'تبين من المراجعة الأولية أن الخلل حدث بعد التحديث الأخير على التطبيق يوم الأحد الماضي.',
  'العميل يطلب تعويضاً عن التأخير، ونحتاج موافقة الإدارة المختصة قبل الرد عليه.',
];

/** Department words that routing finds in a subject or body (examples/policy.yaml keywords). */
export const DEPARTMENT_TOPICS: readonly { key: string; name: string; topic: string; detail: string }[] = [
  { key: 'finance', name: 'المالية', topic: 'فاتورة مكررة للعميل', detail: 'صدرت فاتورة مكررة للعميل ونطلب إلغاءها واسترداد المبلغ المخصوم مرتين.' },
  { key: 'operations', name: 'العمليات', topic: 'تأخر شحنة العميل', detail: 'شحنة العميل متأخرة منذ ثلاثة أيام في المستودع ولم تخرج للتوصيل.' },
  { key: 'it', name: 'تقنية المعلومات', topic: 'تعطل البوابة لدى العميل', detail: 'البوابة لا تقبل كلمة المرور الجديدة ويظهر خطأ عند تسجيل الدخول.' },
  { key: 'hr', name: 'الموارد البشرية', topic: 'تأخر صرف راتب موظف متعاقد', detail: 'لم يُصرف راتب الموظف المتعاقد لهذا الشهر ولم يُعتمد طلب الإجازة.' },
  { key: 'customer-service', name: 'خدمة العملاء', topic: 'شكوى متكررة من عميل', detail: 'وصلتنا شكوى ثالثة من العميل نفسه بخصوص سوء التعامل في الفرع.' },
];

export const SENDERS: readonly { local: string; name: string }[] = [
  { local: 'clerk.ops', name: 'تركي البقمي' },
  { local: 'agent.cs', name: 'لمى المطيري' },
  { local: 'cs.manager', name: 'سارة الدوسري' },
  { local: 'branch.riyadh', name: 'فرع الرياض' },
  { local: 'branch.jeddah', name: 'فرع جدة' },
];

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const wrap76 = (s: string): string => s.replace(/.{76}/g, '$&\r\n');

/** RFC 2047 encoded words of at most ~75 characters each, split on character boundaries. */
export function encodedWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const chars = Array.from(text);
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += 14) words.push(`=?utf-8?B?${b64(chars.slice(i, i + 14).join(''))}?=`);
  return words.join('\r\n ');
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface MailSpec {
  from: { name: string; email: string };
  to: { name: string; email: string };
  subject: string;
  /** The new text the author typed. */
  body: string;
  /** Earlier text, quoted below an Outlook header block (replies). */
  quoted?: { from: string; to: string; date: Date; subject: string; text: string };
  messageId: string;
  inReplyTo?: string;
  references?: readonly string[];
  date: Date;
}

function arabicDate(d: Date): string {
  return new Intl.DateTimeFormat('ar-SA-u-ca-gregory-nu-latn', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Asia/Riyadh' }).format(d);
}

function textPart(spec: MailSpec): string {
  const lines = [spec.body, '', 'مع التحية،', spec.from.name];
  if (spec.quoted !== undefined) {
    const q = spec.quoted;
    lines.push('', '________________________________', `من: ${q.from}`, `أُرسلت: ${arabicDate(q.date)}`, `إلى: ${q.to}`, `الموضوع: ${q.subject}`, '', q.text);
  }
  return lines.join('\r\n');
}

function htmlPart(text: string): string {
  const paragraphs = text.split(/\r\n/).map((l) => (l === ''
    ? '<p class="MsoNormal" dir="RTL"><o:p>&nbsp;</o:p></p>'
    : `<p class="MsoNormal" dir="RTL"><span lang="AR-SA" style="font-family:&quot;Arial&quot;,sans-serif">${escapeHtml(l)}</span></p>`));
  return [
    '<html dir="rtl" xmlns:o="urn:schemas-microsoft-com:office:office"><head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style>',
    '</head><body lang="EN-US" dir="RTL"><div class="WordSection1">',
    ...paragraphs,
    '</div></body></html>',
  ].join('\r\n');
}

/** The raw bytes of the message, CRLF line ends, as it lands in the mailbox. */
export function outlookMessage(spec: MailSpec): Buffer {
  const digest = createHash('sha256').update(spec.messageId).digest();
  const boundary = `_000_${digest.subarray(0, 12).toString('hex')}_`;
  const text = textPart(spec);
  const senderDomain = spec.from.email.split('@')[1] ?? 'example.test';
  const headers = [
    `Received: from EXCH02.${senderDomain} (10.20.1.12) by EXCH01.${senderDomain} (10.20.1.11) with Microsoft SMTP Server\r\n (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1258.28; ${spec.date.toUTCString()}`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${senderDomain}; s=selector1;\r\n h=From:To:Subject:Date:Message-ID:Content-Type:MIME-Version;\r\n bh=${b64(digest)};\r\n b=${wrap76(b64(Buffer.concat([digest, digest, digest, digest, digest, digest, digest, digest]))).replace(/\r\n/g, '\r\n ')}`,
    `From: ${encodedWords(spec.from.name)} <${spec.from.email}>`,
    `To: ${encodedWords(spec.to.name)} <${spec.to.email}>`,
    `Subject: ${encodedWords(spec.subject)}`,
    `Thread-Topic: ${encodedWords(spec.subject)}`,
    `Thread-Index: ${b64(digest.subarray(0, 22))}`,
    `Date: ${spec.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${spec.messageId}`,
    ...(spec.inReplyTo === undefined ? [] : [`In-Reply-To: ${spec.inReplyTo}`]),
    ...(spec.references === undefined || spec.references.length === 0 ? [] : [`References: ${spec.references.join('\r\n ')}`]),
    'Accept-Language: ar-SA, en-US',
    'Content-Language: ar-SA',
    'X-MS-Has-Attach:',
    'X-MS-TNEF-Correlator:',
    'X-Originating-IP: [10.20.3.41]',
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  return Buffer.from([
    ...headers, '',
    `--${boundary}`, 'Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: base64', '',
    wrap76(b64(text)), '',
    `--${boundary}`, 'Content-Type: text/html; charset="utf-8"', 'Content-Transfer-Encoding: base64', '',
    wrap76(b64(htmlPart(text))), '',
    `--${boundary}--`, '',
  ].join('\r\n'));
}

/** Paragraphs of plausible escalation text that bring a message to about `targetBytes` on the wire. */
export function fillTo(targetBytes: number, r: () => number, build: (body: string) => Buffer, lead: string): Buffer {
  let body = lead;
  let raw = build(body);
  // A sentence lands twice (text and HTML part), base64-encoded, plus the HTML paragraph markup: estimate, then top up.
  let estimate = raw.length;
  while (estimate < targetBytes) {
    const sentence = pick(r, SENTENCES);
    body += `\r\n${sentence}`;
    estimate += Buffer.byteLength(sentence) * 2.7 + 150;
  }
  raw = build(body);
  while (raw.length < targetBytes) {
    body += `\r\n${pick(r, SENTENCES)}`;
    raw = build(body);
  }
  return raw;
}
