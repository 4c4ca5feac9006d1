/** One line per ticket event, in the reader's language, for histories in emails and the CLI. */
import type { Locale } from './dates.ts';
import type { TicketEvent } from './ticket.ts';

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** Which ladder applied, when it was not the default one. */
function ladderNote(source: unknown, locale: Locale): string {
  if (typeof source !== 'string' || source === 'default') return '';
  const [kind, key] = source.split(':');
  if (locale === 'ar') return kind === 'priority' ? ` — سلم الأولوية ${key ?? ''}` : ` — سلم الإدارة ${key ?? ''}`;
  return kind === 'priority' ? ` — the ${key ?? ''} priority's ladder` : ` — the ${key ?? ''} department's ladder`;
}

export function describeEvent(e: TicketEvent, locale: Locale): string {
  const d = e.data;
  const who = e.actor ?? '';
  if (locale === 'ar') {
    switch (e.kind) {
      case 'created': return `استلام التذكرة من ${who}${str(d.department) ? ` — الإدارة: ${str(d.department)}` : ' — بانتظار التوجيه'}`;
      case 'routed': return `توجيه التذكرة إلى ${str(d.department)} بواسطة ${who}`;
      case 'escalated': return `تصعيد إلى المستوى ${str(d.level)} (${str(d.levelName)})${ladderNote(d.ladder, 'ar')}`;
      case 'resolved': return `حل التذكرة بواسطة ${who} — السبب: ${str(d.rootCause)}`;
      case 'reply': return `رد من ${who}`;
      case 'note': return `ملاحظة من ${who}: ${str(d.text)}`;
      case 'command_refused': return `رُفض أمر ${str(d.command)} من ${who}: ${str(d.reasonAr) || str(d.reason)}`;
      case 'auto_reply': return `رد تلقائي من ${who} (لم يُرد عليه)`;
      case 'bounce': return `${d.delayed === true ? 'تأخّر' : 'تعذّر'} تسليم رسالة${str(d.recipient) ? ` إلى ${str(d.recipient)}` : ''}: ${str(d.diagnostic) || str(d.reason)}`;
      case 'reminder': return `تذكير ${str(d.percent)}٪ من المهلة إلى ${str(d.to)}`;
      case 'customer_updated': return `تحديث للعميل ${str(d.to)}`;
      case 'priority_set': return `الأولوية: ${str(d.priority)} بواسطة ${who}`;
      case 'assigned': return `إسناد التذكرة إلى ${str(d.owner)} بواسطة ${who}`;
      case 'plan_set': return `خطة العمل من ${who}: ${str(d.plan)}`;
      case 'deadline_set': return `موعد نهائي جديد ${str(d.dueAtText)} بواسطة ${who}`;
      case 'contacted': return `تواصل ${who} مع رئيس ${str(d.department)}`;
      case 'policy_sent': return `أُرسلت معايير السياسة إلى ${who}`;
      case 'customer_set': return `بيانات العميل: ${str(d.email)} — ${str(d.direction)}`;
      case 'reopened': return `إعادة فتح التذكرة برد من ${who}`;
      case 'linked': return `رد بعد إغلاق التذكرة من ${who}: فُتحت تذكرة متابعة ${str(d.followUp)}`;
      case 'sender_checked': return `التحقق من هوية المرسل ${who} لأمر ${str(d.command)}: DMARC ${str(d.dmarc)}`;
      case 'held': return `وُضعت التذكرة في الانتظار بواسطة ${who}: ${str(d.reason)} — حتى ${str(d.untilText)} على الأكثر`;
      case 'resumed': return `استؤنفت التذكرة${who === '' ? ' تلقائياً بانتهاء مدة الانتظار' : ` بواسطة ${who}`}${str(d.dueAtText) ? ` — الموعد النهائي ${str(d.dueAtText)}` : ''}`;
    }
  }
  switch (e.kind) {
    case 'created': return `Ticket received from ${who}${str(d.department) ? ` — department: ${str(d.department)}` : ' — awaiting routing'}`;
    case 'routed': return `Routed to ${str(d.department)} by ${who}`;
    case 'escalated': return `Escalated to level ${str(d.level)} (${str(d.levelNameEn) || str(d.levelName)})${ladderNote(d.ladder, 'en')}`;
    case 'resolved': return `Resolved by ${who} — root cause: ${str(d.rootCause)}`;
    case 'reply': return `Reply from ${who}`;
    case 'note': return `Note from ${who}: ${str(d.text)}`;
    case 'command_refused': return `Command ${str(d.command)} from ${who} refused: ${str(d.reason)}`;
    case 'auto_reply': return `Auto-reply from ${who} (not answered)`;
    case 'bounce': return `A message ${d.delayed === true ? 'is delayed' : 'could not be delivered'}${str(d.recipient) ? ` to ${str(d.recipient)}` : ''}: ${str(d.diagnostic) || str(d.reason)}`;
    case 'reminder': return `Reminder at ${str(d.percent)}% of the deadline to ${str(d.to)}`;
    case 'customer_updated': return `Update sent to the customer ${str(d.to)}`;
    case 'priority_set': return `Priority ${str(d.priority)} set by ${who}`;
    case 'assigned': return `Assigned to ${str(d.owner)} by ${who}`;
    case 'plan_set': return `Action plan from ${who}: ${str(d.plan)}`;
    case 'deadline_set': return `New deadline ${str(d.dueAtText)} set by ${who}`;
    case 'contacted': return `${who} contacted the head of ${str(d.department)}`;
    case 'policy_sent': return `Policy standards sent to ${who}`;
    case 'customer_set': return `Customer: ${str(d.email)} — ${str(d.direction)}`;
    case 'reopened': return `Reopened by a reply from ${who}`;
    case 'linked': return `Reply from ${who} after the ticket was closed: follow-up ticket ${str(d.followUp)} opened`;
    case 'sender_checked': return `Sender ${who} checked for ${str(d.command)}: DMARC ${str(d.dmarc)}`;
    case 'held': return `Put on hold by ${who}: ${str(d.reason)} — until ${str(d.until)} at the latest`;
    case 'resumed': return `Resumed${who === '' ? ' automatically when the hold ended' : ` by ${who}`}${str(d.dueAt) ? ` — deadline ${str(d.dueAt)}` : ''}`;
  }
}
