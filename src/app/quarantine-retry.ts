/**
 * `tasaeed quarantine retry <id>`: puts a quarantined message back in line and processes it. A message that was
 * over MAX_MESSAGE_BYTES was stored as its header section alone; once the limit is raised above its size, it is
 * fetched whole again from the mailbox (where it still is, at its UID) before it is processed.
 */
import { missingBody, restoreBody, type MissingBody } from '../adapters/inbound-store.ts';
import { TasaeedError } from '../errors.ts';
import type { AppDeps } from './deps.ts';
import { processInbound, type Outcome } from './ingest-message.ts';
import { releaseFromQuarantine } from './quarantine.ts';

/** Where the whole of a message is fetched from (the IMAP mailbox it came from). */
export type WholeMessageSource = (where: { mailbox: string; uidvalidity: number; uid: number }) => Promise<Buffer | undefined>;

function tooLarge(row: MissingBody, size: number, max: number): TasaeedError {
  const at = row.uid === null ? '' : `; the whole message is still in the mailbox ${row.mailbox} at UID ${row.uid}`;
  return new TasaeedError('MESSAGE_TOO_LARGE',
    `message ${row.id} is ${size} bytes, over MAX_MESSAGE_BYTES (${max}): only its header section was kept${at}`,
    { setting: 'MAX_MESSAGE_BYTES', hint: `set MAX_MESSAGE_BYTES to at least ${size} and run \`tasaeed quarantine retry ${row.id}\` again: tasaeed then fetches it whole from the mailbox` });
}

async function fetchBack(deps: AppDeps, row: MissingBody, source: WholeMessageSource): Promise<void> {
  if (row.size > deps.maxMessageBytes) throw tooLarge(row, row.size, deps.maxMessageBytes);
  const raw = row.uid === null || row.uidvalidity === null ? undefined
    : await source({ mailbox: row.mailbox, uidvalidity: row.uidvalidity, uid: row.uid });
  if (raw === undefined) {
    throw new TasaeedError('MESSAGE_NOT_IN_MAILBOX',
      `message ${row.id} (${row.size} bytes) is no longer in the mailbox ${row.mailbox} at UID ${row.uid ?? '?'}, and only its header section was kept`);
  }
  if (raw.length > deps.maxMessageBytes) throw tooLarge(row, raw.length, deps.maxMessageBytes);
  await restoreBody(deps.db, row.id, raw);
}

/** Returns undefined when a running tasaeed is processing the message right now. */
export async function retryQuarantined(deps: AppDeps, id: number, source: WholeMessageSource): Promise<Outcome | undefined> {
  const row = await missingBody(deps.db, id);
  if (row !== undefined) await fetchBack(deps, row, source);
  await releaseFromQuarantine(deps, id);
  return await processInbound(deps, id);
}
