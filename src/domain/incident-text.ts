/** What an alert email says about each kind of mail-flow incident, in Arabic and English. */
import type { Locale } from './dates.ts';
import type { IncidentKind } from './mail-flow-alerts.ts';

interface Text { title: string; what: string; action: string }

const TEXT: Record<IncidentKind, Record<Locale, Text>> = {
  imap_down: {
    ar: { title: 'توقف استقبال البريد', what: 'لا يتصل نظام التصعيد بصندوق الكور (IMAP)، فلا تُسجَّل رسائل جديدة تذاكرَ.', action: 'تحققوا من خادم البريد ومن كلمة مرور صندوق الكور (IMAP_HOST وIMAP_USER وIMAP_PASSWORD، أو إعدادات OAUTH_* إن كان الدخول بـ OAuth2؛ يبيّن `tasaeed doctor` أيها). الرسائل تبقى في الصندوق وتُعالج عند عودة الاتصال.' },
    en: { title: 'Incoming mail has stopped', what: 'tasaeed cannot reach the Core mailbox (IMAP), so new emails do not become tickets.', action: 'Check the mail server and the Core mailbox login (IMAP_HOST, IMAP_USER, IMAP_PASSWORD, or the OAUTH_* settings when it signs in with OAuth2; `tasaeed doctor` says which). Messages stay in the mailbox and are processed once the connection is back.' },
  },
  outbox_retrying: {
    ar: { title: 'رسائل صادرة متأخرة', what: 'رسائل من نظام التصعيد لم تُرسل بعد، وخادم البريد الصادر لا يقبلها منذ مدة.', action: 'تحققوا من خادم البريد الصادر (SMTP_HOST). يواصل النظام المحاولة ويرسلها عند عودته؛ `tasaeed outbox list` يعرضها.' },
    en: { title: 'Outgoing emails are delayed', what: 'Emails from tasaeed have not gone out: the outgoing mail server has not accepted them for a while.', action: 'Check the outgoing mail server (SMTP_HOST). tasaeed keeps retrying and sends them when it is back; `tasaeed outbox list` shows them.' },
  },
  outbox_failed: {
    ar: { title: 'رسائل صادرة رُفضت نهائياً', what: 'رفض خادم البريد رسائل من نظام التصعيد رفضاً نهائياً، فلم تصل إلى مستلميها.', action: 'راجعوا عناوين المستلمين في ملف السياسة وسبب الرفض في `tasaeed outbox list`، ثم أعيدوا الإرسال بـ `tasaeed outbox retry`.' },
    en: { title: 'Outgoing emails were refused', what: 'The mail server refused emails from tasaeed for good; they did not reach their recipients.', action: 'Check the recipient addresses in the policy file and the reason in `tasaeed outbox list`, then resend with `tasaeed outbox retry`.' },
  },
  timers_overdue: {
    ar: { title: 'مواعيد تصعيد متأخرة', what: 'حلّ موعد تصعيد أو تذكير ولم يُنفّذ، فقد لا تُصعَّد تذاكر في وقتها.', action: 'تحققوا من تشغيل `tasaeed start` ومن Redis (REDIS_URL). المواعيد محفوظة في قاعدة البيانات وتُنفّذ عند عودة العمل.' },
    en: { title: 'Escalation deadlines are overdue', what: 'An escalation or reminder is past its time and has not fired, so tickets may not escalate on time.', action: 'Check that `tasaeed start` runs and that Redis (REDIS_URL) is reachable. The deadlines are kept in the database and fire once work resumes.' },
  },
  bounce_rate: {
    ar: { title: 'نسبة ارتداد مرتفعة', what: 'ارتدّت نسبة كبيرة من رسائل الساعة الأخيرة، فقد لا تصل الإشعارات إلى أصحابها.', action: 'راجعوا رسائل الارتداد التي وصلت إلى الكور وعناوين ملف السياسة وإعدادات نطاق الإرسال.' },
    en: { title: 'Many emails are bouncing', what: 'A large share of the last hour\'s emails bounced, so notifications may not reach people.', action: 'Look at the bounce alerts the Core group received, the addresses in the policy file and the sending domain\'s setup.' },
  },
};

export function incidentText(kind: IncidentKind, locale: Locale): Text {
  return TEXT[kind][locale];
}
