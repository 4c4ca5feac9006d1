/** What the use cases need, wired once by the entry point. */
import type { Db } from '../adapters/db.ts';
import type { Logger } from '../adapters/logger.ts';
import type { Clock } from '../domain/clock.ts';
import type { Directory } from '../domain/directory.ts';
import type { Policy } from '../domain/policy.ts';
import type { Scheduler } from './effects.ts';
import type { InboundDeps } from './inbound-deps.ts';

export interface AppDeps {
  db: Db;
  policy: Policy;
  directory: Directory;
  clock: Clock;
  log: Logger;
  replySecret: string;
  /** `plain`: replies go to the Core address itself, the token travels in our Message-ID (REPLY_ADDRESS); default plus. */
  replyAddress?: 'plus' | 'plain' | undefined;
  scheduler: Scheduler;
  maxMessageBytes: number;
  /** Sender authentication and attachment limits (defaults: DEFAULT_INBOUND). */
  inbound?: InboundDeps;
  /** DESK_URL: when set, emails link each ticket reference to its page on the desk. */
  deskUrl?: string | undefined;
}

/** The header on every email we send; mail that carries it back to us is a loop. */
export const LOOP_HEADER = 'x-tasaeed';
