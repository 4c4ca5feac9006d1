/**
 * Sends one outbox row: render, send with the Message-ID stored when the row was written, mark sent.
 * Emails about one ticket reach each person in the order they were written (the head's copy before any reminder
 * or escalation). The "sent" mark is retried until it sticks, so a database blip never sends an email twice; the
 * only duplicate window left is a crash between the server's acceptance and that UPDATE (a few milliseconds, longer
 * only while PostgreSQL is down); the resend then carries the same Message-ID, which clients deduplicate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Mailer } from '../adapters/mailer.ts';
import { loadSendable, markSent } from '../adapters/outbox-store.ts';
import type { Templates } from '../adapters/templates.ts';
import { replyAddress } from '../domain/reply-token.ts';
import { reportReplyAddress } from '../domain/report-reply-token.ts';
import { backoffDelay } from '../domain/backoff.ts';
import { isTransient } from '../errors.ts';
import { CARRIES_ORIGINAL_FILES, originalFiles } from './copy-files.ts';
import type { AppDeps } from './deps.ts';

export interface SendDeps extends AppDeps {
  mailer: Mailer;
  templates: Templates;
}

export type SendResult = { result: 'sent' | 'already_sent' | 'missing' } | { result: 'waiting'; until: Date };

/** How long an email waits before looking again at the earlier email that must go first. */
const WAIT_FOR_EARLIER_MS = 1000;

export async function sendOutbound(deps: SendDeps, outboxId: number): Promise<SendResult> {
  const row = await loadSendable(deps.db, outboxId);
  if (row === undefined) return { result: 'missing' };
  if (row.status !== 'pending' && row.status !== 'retrying') return { result: 'already_sent' };
  const earlier = row.earlier;
  if (earlier !== null) {
    const soonest = deps.clock.now().getTime() + WAIT_FOR_EARLIER_MS;
    return { result: 'waiting', until: new Date(Math.max(soonest, (earlier.next_attempt_at?.getTime() ?? 0) + 200)) };
  }
  const original = row.ticket_id !== null && CARRIES_ORIGINAL_FILES.has(row.template)
    ? await originalFiles(deps, row.ticket_id, row.locale) : undefined;
  const rendered = deps.templates.render(row.template, row.locale, original === undefined ? row.data : { ...row.data, files: original.files });
  const core = deps.policy.core;
  const thread = row.thread_message_id ?? undefined;
  const csv = typeof row.data.csv === 'string' && typeof row.data.csvName === 'string'
    ? [{ filename: row.data.csvName, content: `\uFEFF${row.data.csv}`, contentType: 'text/csv; charset=utf-8' }] : undefined;
  // A report's reply address names its report run, so a manager's #رفع reply finds the report (report-reply.ts).
  // Without plus addressing (REPLY_ADDRESS=plain) replies go to the Core address: the token is in our Message-ID.
  const replyTo = deps.replyAddress === 'plain' ? core.mailbox
    : row.ticket_id !== null ? replyAddress(core.mailbox, deps.replySecret, row.ticket_id, row.to_email)
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
      'X-Tasaeed': row.ticket_ref ?? row.template,
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
    attachments: original === undefined ? csv : [...csv ?? [], ...original.attachments],
  });
  await markSentSurely(deps, outboxId, deps.clock.now());
  return { result: 'sent' };
}

/** The server has the email: never send it again because the mark failed once; retry the UPDATE until it sticks. */
async function markSentSurely(deps: AppDeps, outboxId: number, at: Date): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await markSent(deps.db, outboxId, at);
      return;
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (attempt === 1) deps.log.warn({ err, outboxId }, 'email sent, but it cannot be marked sent yet; retrying the mark');
      await sleep(backoffDelay(attempt, 200, 10_000));
    }
  }
}
