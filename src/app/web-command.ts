/**
 * A command given on the web desk: the same role rules and the same command code as an email command, in one
 * transaction whose events record the source `web`. A refusal is recorded on the timeline like an email's and shown
 * on the page instead of being emailed back.
 */
import { addEvent, loadTicket, markEventSource } from '../adapters/ticket-store.ts';
import type { ParsedCommand } from '../domain/commands.ts';
import { commandLabel, roleRefusal, runCommand } from './apply-command.ts';
import type { HandlerOutcome, Refusal } from './command-context.ts';
import type { AppDeps } from './deps.ts';
import { noEffects } from './effects.ts';

export type WebCommand = Exclude<ParsedCommand, { name: 'unknown' }>;

export type WebOutcome = { applied: string } | { refused: Refusal } | { missing: true };

export async function applyWebCommand(deps: AppDeps, o: { ticketId: number; actor: string; command: WebCommand }): Promise<WebOutcome> {
  const { outcome, effects } = await deps.db.transaction(async (tx) => {
    await markEventSource(tx, 'web');
    const ticket = await loadTicket(tx, o.ticketId, true);
    if (ticket === undefined) return { outcome: { missing: true } as const, effects: noEffects() };
    const refused = roleRefusal(deps, ticket, o.actor, o.command);
    const ran: HandlerOutcome = refused !== undefined ? { refusal: refused }
      : await runCommand({ tx, deps, ticket, sender: o.actor, inboundId: null }, o.command);
    if ('refusal' in ran) {
      const r: Refusal = { ...ran.refusal, command: commandLabel(o.command) };
      await addEvent(tx, {
        ticketId: ticket.id, kind: 'command_refused', actor: o.actor, at: deps.clock.now(),
        data: { command: r.command, reason: r.reason.en, reasonAr: r.reason.ar },
      });
      return { outcome: { refused: r }, effects: noEffects() };
    }
    return { outcome: { applied: ran.reason }, effects: ran.effects };
  });
  await deps.scheduler.schedule(effects);
  return outcome;
}
