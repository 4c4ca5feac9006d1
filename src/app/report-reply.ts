/**
 * A reply to a report email (it came back through the report's signed address core+p-<run>-<mac>@…). The Customer
 * Service manager discusses the departments report and reports to the General Manager (policy 000, role of
 * management): `#رفع <note>` / `#forward <note>` sends the same report — rebuilt as of the run's time, so with the
 * same numbers — on to the policy's `reports.departments.forward_to`, with the note on top. Every reply is recorded
 * in report_actions; the sender is told what happened.
 */
import { addReportAction, loadReportRun } from '../adapters/report-run-store.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import type { Locale } from '../domain/dates.ts';
import type { Recipient } from '../domain/directory.ts';
import type { InboundMail } from '../domain/mail.ts';
import { stripQuoted } from '../domain/quote-strip.ts';
import { parseReportCommand } from '../domain/report-command.ts';
import { periodFromKey } from '../domain/report-period.ts';
import { reportRecipients } from '../domain/report-plan.ts';
import { reportTitle } from '../domain/report-title.ts';
import { coreAddresses } from '../domain/policy.ts';
import { findReportTokens, verifyReportToken } from '../domain/report-reply-token.ts';
import { loadReport, reportTemplate } from './build-report.ts';
import type { Effects } from './effects.ts';
import type { AppDeps } from './deps.ts';
import { dateText } from './notify.ts';
import { queueEmails } from './queue-email.ts';

export interface ReportReplyOutcome {
  status: 'processed' | 'quarantined';
  reason: string;
  effects: Effects;
}

type Message = Record<Locale, string>;

const FORWARD_ONLY: Message = {
  ar: 'يمكن رفع تقرير «الإدارات التي تحدث فيها التصعيدات» فقط.',
  en: 'only the "departments with escalations" report can be forwarded.',
};
const UNVERIFIED: Message = {
  ar: 'لم يصل الرد عبر عنوان الرد الموقّع الذي أرسلنا به التقرير إليكم، لذلك لم يُنفَّذ الأمر. '
    + 'استخدموا «رد» على رسالة التقرير نفسها.',
  en: 'the reply did not come through the signed reply address the report was sent to you with, so the command was not applied. '
    + 'Use "Reply" on the report email itself.',
};
const UNKNOWN: Message = {
  ar: 'أمر غير معروف. الأمر المتاح على التقارير: #رفع متبوعاً بملاحظتكم.',
  en: 'unknown command. The command for reports is #forward followed by your note.',
};

/** Handles a reply that carries a report token; undefined when the message is not a reply to a report. */
export async function applyReportReply(
  tx: Tx, deps: AppDeps, mail: InboundMail, inboundId: number,
): Promise<ReportReplyOutcome | undefined> {
  // the report address (plus) or our report's Message-ID the reply answers (plain); the one issued to the sender wins
  const tokens = findReportTokens(coreAddresses(deps.policy), mail);
  const from = deps.directory.recipient(mail.from?.email ?? '').email;
  const token = tokens.find((t) => verifyReportToken(deps.replySecret, t, from)) ?? tokens[0];
  if (token === undefined) return undefined;
  const none: Effects = { outboxIds: [], timers: [] };
  const run = await loadReportRun(tx, token.runId);
  if (run === undefined) return { status: 'quarantined', reason: `reply to report run ${token.runId}, which does not exist`, effects: none };
  const now = deps.clock.now();
  const sender = deps.directory.recipient(mail.from?.email ?? '');
  const record = async (kind: 'forward' | 'refused' | 'reply', note: string, reason: string | null): Promise<void> => {
    await addReportAction(tx, { runId: run.id, inboundId, kind, actor: sender.email, note, reason, at: now });
  };
  const period = periodFromKey(run.kind, run.period);
  const tell = async (to: Recipient, message: Message, ok: boolean): Promise<number[]> =>
    await queueEmails(tx, deps, now, [{
      ticketId: null, eventId: null, reportRunId: run.id, template: 'report-reply', locale: to.locale, to: to.email,
      data: {
        org: deps.policy.organisation.name[to.locale], title: reportTitle(run.kind, period, to.locale),
        recipient: to.name, ok, message: message[to.locale],
      },
    }]);
  const refuse = async (message: Message): Promise<ReportReplyOutcome> => {
    await record('refused', '', message.en);
    const outboxIds = await tell(sender, message, false);
    return { status: 'processed', reason: `report command refused: ${message.en}`, effects: { outboxIds, timers: [] } };
  };

  const command = parseReportCommand(stripQuoted(mail.text));
  if (command === undefined) {
    await record('reply', stripQuoted(mail.text).trim().slice(0, 4000), null);
    return { status: 'processed', reason: `reply to the ${run.kind} report ${run.period} recorded`, effects: none };
  }
  if (!verifyReportToken(deps.replySecret, token, sender.email)) return await refuse(UNVERIFIED);
  if (command.name === 'unknown') return await refuse(UNKNOWN);
  if (run.kind !== 'departments') return await refuse(FORWARD_ONLY);

  const view = await loadReport(deps, run.kind, period, run.created_at);
  const targets = reportRecipients(deps.policy, deps.directory, deps.policy.reports.departments.forward_to);
  const forwardIds = await queueEmails(tx, deps, now, targets.map((r) => ({
    ticketId: null, eventId: null, reportRunId: run.id, template: reportTemplate(run.kind), locale: r.locale, to: r.email,
    data: {
      ...view({
        locale: r.locale, heads: [], late: run.late,
        forward: { by: sender.name, note: command.note, at: dateText(deps, now, r.locale) },
      }),
      recipient: r.name,
    },
  })));
  await record('forward', command.note, null);
  const names = targets.map((t) => t.name);
  const confirm: Message = {
    ar: `رُفع التقرير إلى ${names.join('، ')}${command.note === '' ? '' : ' مع ملاحظتكم'}.`,
    en: `the report was forwarded to ${names.join(', ')}${command.note === '' ? '' : ' with your note'}.`,
  };
  const outboxIds = [...forwardIds, ...await tell(sender, confirm, true)];
  const reason = `${run.kind} report ${run.period} forwarded to ${targets.map((t) => t.email).join(', ')}`;
  return { status: 'processed', reason, effects: { outboxIds, timers: [] } };
}
