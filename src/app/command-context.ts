/** What a command handler gets, and what it gives back: effects to queue, or a refusal to explain. */
import type { Tx } from '../adapters/ticket-store.ts';
import type { Locale } from '../domain/dates.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import type { Effects } from './effects.ts';

export interface CommandContext {
  tx: Tx;
  deps: AppDeps;
  ticket: Ticket;
  sender: string;
  /** The email the command came in; null for a command given on the web desk. */
  inboundId: number | null;
}

export interface Refusal {
  /** The command as the sender wrote it (#حل, #resolve). */
  command: string;
  reason: Record<Locale, string>;
  example?: Record<Locale, string>;
}


/** A handler's refusal; the command as written is filled in by apply-command, which knows the sender's words. */
export type HandlerRefusal = Omit<Refusal, 'command'>;

export type HandlerOutcome = { effects: Effects; reason: string } | { refusal: HandlerRefusal };

export function refuseWith(ar: string, en: string, example?: Record<Locale, string>): HandlerOutcome {
  return { refusal: { reason: { ar, en }, ...(example === undefined ? {} : { example }) } };
}
