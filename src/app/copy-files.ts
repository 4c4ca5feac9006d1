/**
 * At send time, the original message's attachments for the head's copy and each escalation: loaded from the
 * attachment store (never copied into outbox rows), listed in the email, attached within the policy's limit.
 */
import { attachmentContents, originalAttachments } from '../adapters/attachment-store.ts';
import type { OutgoingEmail } from '../adapters/mailer.ts';
import { describeCopyFiles, planCopyAttachments, type CopyFiles, type OriginalAttachment } from '../domain/copy-attachments.ts';
import type { Locale } from '../domain/dates.ts';
import type { AppDeps } from './deps.ts';

/** The templates that carry the original's files. */
export const CARRIES_ORIGINAL_FILES: ReadonlySet<string> = new Set(['ticket-copy', 'escalation']);

export interface OriginalFiles {
  files: CopyFiles;
  attachments: NonNullable<OutgoingEmail['attachments']>;
}

export async function originalFiles(deps: AppDeps, ticketId: number, locale: Locale): Promise<OriginalFiles | undefined> {
  const list = await originalAttachments(deps.db, ticketId);
  if (list.length === 0) return undefined;
  const limit = deps.policy.attachments.copy_limit;
  const plan = planCopyAttachments(list, limit);
  const contents = await attachmentContents(deps.db, plan.attach.map((f) => f.id));
  // An inline image keeps the Content-ID it arrived with; one that had none gets its own.
  const cidOf = (f: OriginalAttachment): string => f.contentId ?? `file-${String(f.id)}@${deps.policy.organisation.domain}`;
  const attachments = plan.attach.flatMap((f) => {
    const content = contents.get(f.id);
    if (content === undefined) return [];
    return [{
      filename: f.filename, content, contentType: f.contentType,
      ...(f.inline ? { cid: cidOf(f), contentDisposition: 'inline' as const } : {}),
    }];
  });
  return { files: describeCopyFiles(plan, list, limit, locale, cidOf), attachments };
}
