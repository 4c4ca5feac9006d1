/** Every word the web desk shows, in Arabic (the default) and English; an Arabic reader sees Arabic only. */
import type { Locale } from '../../domain/dates.ts';

const ar = {
  desk: 'مكتب التصعيد', skip: 'تخطَّ إلى المحتوى', tickets: 'التذاكر', reports: 'أرشيف التقارير', quarantine: 'الحجر',
  status: 'حالة النظام', signOut: 'خروج', signedInAs: 'مسجَّل الدخول باسم',
  signInTitle: 'الدخول إلى مكتب التصعيد', email: 'البريد الإلكتروني', sendLink: 'أرسلوا لي رابط الدخول',
  signInHelp: 'اكتبوا بريدكم المسجَّل في السياسة، وسيصلكم رابط دخول صالح 15 دقيقة ولمرة واحدة.',
  linkSent: 'إن كان هذا البريد مسجَّلاً في السياسة فسيصله رابط الدخول خلال دقيقة. الرابط صالح 15 دقيقة ولمرة واحدة.',
  confirmTitle: 'تأكيد الدخول', confirmHelp: 'اضغطوا الزر لإكمال الدخول. يعمل الرابط مرة واحدة.', confirm: 'الدخول',
  linkInvalid: 'الرابط غير صالح: استُخدم من قبل أو انتهت مدته (15 دقيقة). اطلبوا رابطاً جديداً.',
  forbidden: 'لا تملكون صلاحية عرض هذه الصفحة.', notFound: 'الصفحة غير موجودة.', csrf: 'انتهت صلاحية النموذج. أعيدوا تحميل الصفحة وحاولوا مرة أخرى.',
  filters: 'تصفية', search: 'بحث', searchHelp: 'المرجع أو الموضوع أو الوصف أو الخط الزمني', any: 'الكل', apply: 'تطبيق',
  statusLabel: 'الحالة', department: 'الإدارة', priority: 'الأولوية', level: 'المستوى', owner: 'المسؤول', overdue: 'المتأخرة فقط',
  triage: 'بانتظار التوجيه', open: 'مفتوحة', on_hold: 'قيد الانتظار', resolved: 'محلولة', ref: 'المرجع', subject: 'الموضوع', from: 'المُرسِل',
  received: 'الاستلام', sla: 'المهلة', left: 'متبقٍّ', late: 'متأخرة منذ', noDeadline: 'لا موعد قائم', levelN: 'المستوى',
  older: 'الأقدم ←', newest: 'الأحدث', noTickets: 'لا توجد تذاكر تطابق التصفية.', count: 'المعروض',
  description: 'الوصف', timeline: 'الخط الزمني', emails: 'الرسائل المرسلة', attachments: 'المرفقات', deadlines: 'المواعيد',
  to: 'إلى', template: 'الرسالة', attempts: 'المحاولات', lastError: 'آخر خطأ', nextAttempt: 'المحاولة التالية', sentAt: 'أُرسلت',
  kind: 'النوع', due: 'الموعد', download: 'تنزيل', notStored: 'لم يُخزَّن', bytes: 'بايت', viaWeb: 'عبر المكتب', viaEmail: 'عبر البريد',
  actions: 'الإجراءات', rootCause: 'السبب الجذري', prevention: 'الإجراء الوقائي', comment: 'ملاحظات (اختياري)',
  resolve: 'حل التذكرة', assign: 'إسناد', assignTo: 'البريد أو الاسم', setPriority: 'تغيير الأولوية', deadline: 'موعد نهائي جديد',
  deadlineHelp: 'مثل 48h أو 3 أيام أو 2026-12-01 14:00', plan: 'خطة العمل', note: 'ملاحظة', escalate: 'تصعيد الآن', hold: 'إيقاف الساعة (انتظار)', holdUntil: 'حتى (اختياري)', resume: 'استئناف الساعة', reason: 'السبب',
  route: 'توجيه إلى إدارة', contact: 'تواصل مع إدارة', message: 'الرسالة', customer: 'بيانات العميل', customerEmail: 'بريد العميل',
  direction: 'رغبة العميل', save: 'حفظ', applied: 'تم تنفيذ الأمر.', refused: 'رُفض الأمر', customerOf: 'العميل', plannedSteps: 'الخطة',
  runs: 'التقارير المرسلة', period: 'الفترة', sentTo: 'المستلمون', view: 'عرض', csv: 'CSV', lateRun: 'متأخر',
  noReports: 'لم يُرسل أي تقرير بعد.', retry: 'إعادة المعالجة', size: 'الحجم', noQuarantine: 'لا رسائل في الحجر.',
  retried: 'أُعيدت معالجة الرسالة', outbox: 'صندوق الصادر', inbound: 'البريد الوارد', timers: 'المؤقتات المعلّقة',
  oldestUnsent: 'أقدم رسالة غير مرسلة', services: 'الخدمات', failedEmails: 'رسائل فشل إرسالها',
  st: { pending: 'بانتظار الإرسال', retrying: 'إعادة المحاولة', sent: 'أُرسلت', failed: 'فشلت', bounced: 'ارتدّت', fired: 'نُفِّذ', void: 'أُلغي',
    processed: 'عولجت', quarantined: 'في الحجر', duplicate: 'مكررة' },
  timerKind: { escalate: 'تصعيد', remind: 'تذكير', customer_update: 'تحديث العميل' },
};

type Strings = typeof ar;

const en: Strings = {
  desk: 'Escalation desk', skip: 'Skip to content', tickets: 'Tickets', reports: 'Reports archive', quarantine: 'Quarantine',
  status: 'System status', signOut: 'Sign out', signedInAs: 'Signed in as',
  signInTitle: 'Sign in to the escalation desk', email: 'Email address', sendLink: 'Email me a sign-in link',
  signInHelp: 'Enter the address the policy lists for you; a sign-in link valid for 15 minutes, once, will be emailed to you.',
  linkSent: 'If this address is in the policy, a sign-in link is on its way. It is valid for 15 minutes and works once.',
  confirmTitle: 'Confirm sign-in', confirmHelp: 'Press the button to finish signing in. The link works once.', confirm: 'Sign in',
  linkInvalid: 'This link is not valid: it was used already or has expired (15 minutes). Ask for a new one.',
  forbidden: 'You are not allowed to see this page.', notFound: 'Page not found.', csrf: 'This form has expired. Reload the page and try again.',
  filters: 'Filters', search: 'Search', searchHelp: 'Reference, subject, description or timeline', any: 'Any', apply: 'Apply',
  statusLabel: 'Status', department: 'Department', priority: 'Priority', level: 'Level', owner: 'Owner', overdue: 'Overdue only',
  triage: 'Awaiting routing', open: 'Open', on_hold: 'On hold', resolved: 'Resolved', ref: 'Reference', subject: 'Subject', from: 'From',
  received: 'Received', sla: 'Deadline', left: 'left', late: 'overdue by', noDeadline: 'no pending deadline', levelN: 'Level',
  older: 'Older →', newest: 'Newest', noTickets: 'No tickets match these filters.', count: 'Shown',
  description: 'Description', timeline: 'Timeline', emails: 'Emails sent', attachments: 'Attachments', deadlines: 'Deadlines',
  to: 'To', template: 'Email', attempts: 'Attempts', lastError: 'Last error', nextAttempt: 'Next attempt', sentAt: 'Sent',
  kind: 'Kind', due: 'Due', download: 'Download', notStored: 'not stored', bytes: 'bytes', viaWeb: 'on the desk', viaEmail: 'by email',
  actions: 'Actions', rootCause: 'Root cause', prevention: 'Preventive measure', comment: 'Comment (optional)',
  resolve: 'Resolve the ticket', assign: 'Assign', assignTo: 'Email or name', setPriority: 'Change priority', deadline: 'New deadline',
  deadlineHelp: 'e.g. 48h, 3 days or 2026-12-01 14:00', plan: 'Action plan', note: 'Note', escalate: 'Escalate now', hold: 'Put on hold', holdUntil: 'Until (optional)', resume: 'Resume the clock', reason: 'Reason',
  route: 'Route to a department', contact: 'Contact a department', message: 'Message', customer: 'Customer details', customerEmail: "Customer's email",
  direction: "Customer's direction", save: 'Save', applied: 'Command applied.', refused: 'Command refused', customerOf: 'Customer', plannedSteps: 'Plan',
  runs: 'Reports sent', period: 'Period', sentTo: 'Recipients', view: 'View', csv: 'CSV', lateRun: 'late',
  noReports: 'No report has been sent yet.', retry: 'Process again', size: 'Size', noQuarantine: 'No messages in quarantine.',
  retried: 'Message processed again', outbox: 'Outbox', inbound: 'Inbound mail', timers: 'Pending timers',
  oldestUnsent: 'Oldest unsent email', services: 'Services', failedEmails: 'Emails that failed',
  st: { pending: 'pending', retrying: 'retrying', sent: 'sent', failed: 'failed', bounced: 'bounced', fired: 'fired', void: 'void',
    processed: 'processed', quarantined: 'quarantined', duplicate: 'duplicate' },
  timerKind: { escalate: 'escalation', remind: 'reminder', customer_update: 'customer update' },
};

export const STRINGS: Readonly<Record<Locale, Strings>> = { ar, en };
export type DeskStrings = Strings;
