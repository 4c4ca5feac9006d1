/** Connects the IMAP listener to the ingest pipeline: store raw first, advance the cursor, then process. */
import { HookFailure, ImapListener, type ImapOptions, type ListenerObserver } from '../adapters/imap.ts';
import { advanceCursor, mailboxCursor, storeRaw } from '../adapters/inbound-store.ts';
import { ServiceHealth } from '../adapters/service-health.ts';
import type { AppDeps } from '../app/deps.ts';
import { isTransient } from '../errors.ts';
import { IngestDriver } from './ingest-driver.ts';

export function createImapListener(deps: AppDeps, opts: ImapOptions, health = new ServiceHealth(deps.log),
  driver = new IngestDriver(deps, health), observe?: ListenerObserver): ImapListener {
  /** A database failure inside a listener hook is PostgreSQL's outage, not the mailbox's. */
  const onDb = async <T>(what: string, task: () => Promise<T>): Promise<T> => {
    try {
      return await task();
    } catch (err) {
      if (isTransient(err)) health.failed('postgres', err, what);
      else deps.log.error({ err }, `${what} failed`);
      throw new HookFailure(err);
    }
  };
  return new ImapListener({ maxMessageBytes: deps.maxMessageBytes, ...opts }, {
    cursor: (s) => onDb('reading the mailbox cursor', () => mailboxCursor(deps.db, s.mailbox, s.uidValidity)),
    deliver: async (s, messages) => {
      if (messages.length === 0) return [];
      await onDb('storing new mail', () => deps.db.transaction(async (tx) => {
        await storeRaw(tx, messages.map((m) => ({ mailbox: s.mailbox, uidvalidity: s.uidValidity, uid: m.uid, raw: m.raw, headerOnly: m.headerOnly })));
        await advanceCursor(tx, s.mailbox, s.uidValidity, Math.max(...messages.map((m) => m.uid)));
      }));
      // Stored and committed: processing failures are the driver's to retry; the messages may be flagged now.
      await driver.drain();
      return messages.map((m) => m.uid);
    },
    ...(observe === undefined ? {} : { observe }),
  }, deps.log, health);
}
