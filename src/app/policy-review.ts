/**
 * Step 12 of the customer escalation policy: review the policy periodically and improve it from experience.
 * At the start of each period a review ticket is opened for the policy's owner, carrying the last period's figures.
 * One report_runs row per period makes it happen once.
 */
import { claimReportRun } from '../adapters/report-run-store.ts';
import { reviewFigures, type ReviewFigures } from '../adapters/review-figures.ts';
import { addEvent, insertTicket, updateTicket } from '../adapters/ticket-store.ts';
import { localDate } from '../domain/dates.ts';
import { firstDeadline } from '../domain/escalation-ladder.ts';
import { previousPeriod } from '../domain/review-period.ts';
import type { AppDeps } from './deps.ts';
import { notify } from './notify.ts';
import { planEscalation } from './ticket-timers.ts';

function describe(f: ReviewFigures, period: string): string {
  const pct = f.resolved === 0 ? 0 : Math.round((f.within / f.resolved) * 100);
  return [
    `مراجعة دورية لسياسة التصعيد عن الفترة ${period} (سياسة التصعيد، الخطوة 12).`,
    '',
    `التذاكر الواردة: ${f.received}`,
    `المحلولة: ${f.resolved} (ضمن المهلة: ${f.within}، ${pct}٪)`,
    `المصعّدة إلى المدير العام أو أعلى: ${f.escalated}`,
    `ما زالت مفتوحة: ${f.open}`,
    '',
    'أكثر الأسباب الجذرية تكراراً:',
    ...(f.causes.length === 0 ? ['- لا شيء مسجل'] : f.causes.map((c) => `- ${c.root_cause} (${c.n})`)),
    '',
    'المطلوب: مراجعة المهل والأولويات وسلم التصعيد في ضوء هذه الأرقام، وتسجيل التحسينات بـ #خطة ثم إغلاق التذكرة بـ #حل.',
  ].join('\n');
}

export async function openPolicyReview(deps: AppDeps): Promise<{ opened: boolean; period: string; ticketId?: number }> {
  const now = deps.clock.now();
  const p = deps.policy;
  const period = previousPeriod(p.review.every, localDate(now, p.timezone), p.timezone);
  const owner = p.review.owner ?? p.roles.customer_service_manager;
  const result = await deps.db.transaction(async (tx) => {
    if (await claimReportRun(tx, { kind: 'policy_review', period: period.key }) === undefined) return undefined;
    const f = await reviewFigures(deps.db, period.from, period.to);
    const dept = deps.directory.departmentOf(owner);
    const ticket = await insertTicket(tx, {
      subject: `مراجعة سياسة التصعيد — ${period.key}`, description: describe(f, period.key),
      departmentKey: dept?.key ?? null, routedVia: 'policy_review', originatorEmail: p.core.mailbox,
      originatorName: p.core.name.ar, threadMessageId: null, priority: p.default_priority,
      customerEmail: null, customerDirection: null, at: now,
    });
    await updateTicket(tx, ticket.id, { owner_email: owner, status: 'open' });
    const owned = { ...ticket, ownerEmail: owner, status: 'open' as const };
    const eventId = await addEvent(tx, { ticketId: ticket.id, kind: 'created', actor: null, at: now, data: { review: period.key, ...f } });
    const due = firstDeadline(p, owned, now);
    const timers = await planEscalation(tx, deps, owned, 1, now, due.dueAt, true);
    const outboxIds = await notify(tx, deps, {
      ticket: owned, eventId, template: 'assigned', dueAt: due.dueAt,
      recipients: [deps.directory.recipient(owner)], extra: (locale) => ({ by: p.core.name[locale], plan: null }),
    });
    return { ticketId: ticket.id, effects: { outboxIds, timers } };
  });
  if (result === undefined) return { opened: false, period: period.key };
  await deps.scheduler.schedule(result.effects);
  return { opened: true, period: period.key, ticketId: result.ticketId };
}
