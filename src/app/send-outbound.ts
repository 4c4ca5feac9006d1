/**
 * Sends one outbox row: render, send with the Message-ID stored when the row was written, mark sent.
 * The only duplicate window is a crash after the server accepted the email and before the row is marked sent;
 * the resend then carries the same Message-ID, so clients that deduplicate by Message-ID show it once.
 */
import type { Mailer } from '../adapters/mailer.ts';
import { loadOutbound, markAttemptFailed, markSent } from '../adapters/outbox-store.ts';
import type { Templates } from '../adapters/templates.ts';
import { loadTicket } from '../adapters/ticket-store.ts';
import { replyAddress } from '../domain/reply-token.ts';
import { reportReplyAddress } from '../domain/report-reply-token.ts';
import type { AppDeps } from './deps.ts';

export interface SendDeps extends AppDeps {
  mailer: Mailer;
  templates: Templates;
}

export type SendResult = 'sent' | 'already_sent' | 'missing';

export async function sendOutbound(deps: SendDeps, outboxId: number): Promise<SendResult> {
  const row = await loadOutbound(deps.db, outboxId);
  if (row === undefined) return 'missing';
  if (row.status !== 'pending') return 'already_sent';
  const rendered = deps.templates.render(row.template, row.locale, row.data);
  const ticket = row.ticket_id === null ? undefined : await loadTicket(deps.db, row.ticket_id);
  const core = deps.policy.core;
  const thread = ticket?.threadMessageId ?? undefined;
  const csv = typeof row.data.csv === 'string' && typeof row.data.csvName === 'string'
    ? [{ filename: row.data.csvName, content: `\uFEFF${row.data.csv}`, contentType: 'text/csv; charset=utf-8' }] : undefined;
  // A report's reply address names its report run, so a manager's #رفع reply finds the report (report-reply.ts).
  const replyTo = ticket !== undefined ? replyAddress(core.mailbox, deps.replySecret, ticket.id, row.to_email)
    : row.report_run_id !== null ? reportReplyAddress(core.mailbox, deps.replySecret, row.report_run_id, row.to_email)
      : core.mailbox;
  await deps.mailer.send({
    from: { name: `${core.name[row.locale]} — ${deps.policy.organisation.name[row.locale]}`, address: core.mailbox },
    to: row.to_email,
    replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: row.message_id,
    inReplyTo: thread,
    references: thread === undefined ? undefined : [thread],
    headers: {
      'X-Tasaeed': ticket?.ref ?? row.template,
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
    attachments: csv,
  });
  await markSent(deps.db, outboxId, deps.clock.now());
  return 'sent';
}

export async function recordSendFailure(deps: AppDeps, outboxId: number, err: unknown, final: boolean): Promise<void> {
  await markAttemptFailed(deps.db, outboxId, err instanceof Error ? err.message : String(err), final);
}
