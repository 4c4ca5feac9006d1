/** Connects the IMAP listener to the ingest pipeline: store raw first, advance the cursor, then process. */
import { ImapListener, type ImapOptions } from '../adapters/imap.ts';
import { advanceCursor, mailboxCursor, storeRaw } from '../adapters/inbound-store.ts';
import type { AppDeps } from '../app/deps.ts';
import { processPending } from '../app/ingest-message.ts';

export function createImapListener(deps: AppDeps, opts: ImapOptions): ImapListener {
  return new ImapListener({ maxMessageBytes: deps.maxMessageBytes, ...opts }, {
    cursor: async (s) => await mailboxCursor(deps.db, s.mailbox, s.uidValidity),
    deliver: async (s, messages) => {
      await deps.db.transaction(async (tx) => {
        await storeRaw(tx, messages.map((m) => ({ mailbox: s.mailbox, uidvalidity: s.uidValidity, uid: m.uid, raw: m.raw, headerOnly: m.headerOnly })));
        await advanceCursor(tx, s.mailbox, s.uidValidity, Math.max(...messages.map((m) => m.uid)));
      });
      await processPending(deps);
      return messages.map((m) => m.uid);
    },
  }, deps.log);
}
