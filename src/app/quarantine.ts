/**
 * Quarantined messages: kept raw with their reason, never dropped and never retried on their own. The sender is
 * told once, when it is safe to write to them (they are a person in the policy); an operator can list, inspect
 * and re-process them (`tasaeed quarantine list | show | retry`).
 */
import { listAttachments, type StoredAttachment } from '../adapters/attachment-store.ts';
import { addOutbound, hasInboundReply } from '../adapters/outbox-store.ts';
import { listQuarantined, loadInbound, releaseQuarantined, type QuarantinedRow } from '../adapters/quarantine-store.ts';
import { TasaeedError } from '../errors.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import { parseMail } from '../adapters/mail-parse.ts';
import type { QuarantineCode } from '../domain/classify.ts';
import { headerEnd, snippet } from '../domain/mail-sanity.ts';
import { NO_NOTICE, quarantineText } from '../domain/quarantine-text.ts';
import type { AppDeps } from './deps.ts';
import { dateText } from './notify.ts';

const MAX_SUBJECT_IN_NOTICE = 120;

/** Queues the quarantine notice to a known sender, once per inbound message; returns the outbox ids. */
export async function noticeQuarantine(tx: Tx, deps: AppDeps, o: {
  inboundId: number; code: QuarantineCode; from: string | null; subject: string;
}): Promise<number[]> {
  if (o.from === null || NO_NOTICE.has(o.code)) return [];
  const person = deps.directory.person(o.from);
  if (person === undefined) return [];
  if (await hasInboundReply(tx, o.inboundId, 'quarantine-notice')) return [];
  const r = deps.directory.recipient(person.email);
  const subject = snippet(o.subject, MAX_SUBJECT_IN_NOTICE);
  const now = deps.clock.now();
  return await addOutbound(tx, deps.policy.organisation.domain, now, [{
    ticketId: null, eventId: null, inboundId: o.inboundId, template: 'quarantine-notice', locale: r.locale, to: r.email,
    data: {
      org: deps.policy.organisation.name[r.locale], title: subject, recipient: r.name, subject,
      reason: quarantineText(o.code, r.locale), receivedAt: dateText(deps, now, r.locale), core: deps.policy.core.mailbox,
    },
  }]);
}

export type { QuarantinedRow };

/** The newest quarantined messages first. */
export async function listQuarantine(deps: AppDeps, limit = 200): Promise<QuarantinedRow[]> {
  return await listQuarantined(deps.db, limit);
}

export interface QuarantineDetail extends QuarantinedRow {
  status: string;
  mailbox: string;
  subject: string;
  from: string;
  date: string | null;
  text: string;
  headers: string;
  attachments: { filename: string; contentType: string; size: number; contains?: readonly string[] }[];
  stored: StoredAttachment[];
}

/** One stored message, as far as it can be read (the parser never throws); text is cut to a preview. */
export async function showInbound(deps: AppDeps, id: number): Promise<QuarantineDetail | undefined> {
  const row = await loadInbound(deps.db, id);
  if (row === undefined) return undefined;
  const mail = await parseMail(row.raw);
  const end = headerEnd(row.raw);
  const { raw, ...rest } = row;
  return {
    ...rest,
    subject: mail.subject, from: mail.from?.email ?? '', date: mail.date?.toISOString() ?? null,
    text: mail.text.slice(0, 2000),
    headers: raw.subarray(0, end === -1 ? Math.min(raw.length, 4000) : Math.min(end, 4000)).toString('latin1')
      .replace(/[^\x09\x0a\x0d\x20-\x7e]/g, '?'),
    attachments: mail.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, size: a.size, ...(a.contains === undefined ? {} : { contains: a.contains }),
    })),
    stored: await listAttachments(deps.db, { inboundId: id }),
  };
}

export class QuarantineError extends TasaeedError {
  constructor(message: string) { super('QUARANTINE_NOT_FOUND', message); }
}

/** Puts a quarantined message back in line; the caller processes it like any pending message. */
export async function releaseFromQuarantine(deps: AppDeps, id: number): Promise<void> {
  if (!await releaseQuarantined(deps.db, id)) throw new QuarantineError(`inbound message ${id} is not in quarantine (see \`tasaeed quarantine list\`)`);
}
