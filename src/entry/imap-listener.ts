/** Connects the IMAP listener to the ingest pipeline: store raw first, advance the cursor, then process. */
import { ImapListener, type ImapOptions, type ListenerObserver } from '../adapters/imap.ts';
import { advanceCursor, mailboxCursor, storeRaw } from '../adapters/inbound-store.ts';
import type { AppDeps } from '../app/deps.ts';
import { processPending, type Outcome } from '../app/ingest-message.ts';

/** Told what each batch of fetched messages became (metrics, the per-message log line). */
export type InboundObserver = (outcomes: readonly Outcome[]) => Promise<void>;

export function createImapListener(deps: AppDeps, opts: ImapOptions, observe?: ListenerObserver, inbound?: InboundObserver): ImapListener {
  return new ImapListener(opts, {
    cursor: async (s) => await mailboxCursor(deps.db, s.mailbox, s.uidValidity),
    deliver: async (s, messages) => {
      await deps.db.transaction(async (tx) => {
        await storeRaw(tx, messages.map((m) => ({ mailbox: s.mailbox, uidvalidity: s.uidValidity, uid: m.uid, raw: m.raw })));
        await advanceCursor(tx, s.mailbox, s.uidValidity, Math.max(...messages.map((m) => m.uid)));
      });
      const outcomes = await processPending(deps);
      await inbound?.(outcomes).catch((err: unknown) => { deps.log.warn({ err }, 'could not record inbound metrics'); });
      return messages.map((m) => m.uid);
    },
    ...(observe === undefined ? {} : { observe }),
  }, deps.log);
}
