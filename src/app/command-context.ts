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
  command: string;
  reason: Record<Locale, string>;
  example?: Record<Locale, string>;
}

export type CommandOutcome = { effects: Effects; reason: string } | { refusal: Refusal };

export function refuseWith(command: string, ar: string, en: string, example?: Record<Locale, string>): CommandOutcome {
  return { refusal: { command, reason: { ar, en }, ...(example === undefined ? {} : { example }) } };
}
