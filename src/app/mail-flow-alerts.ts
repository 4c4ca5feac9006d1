/**
 * Mail-flow alerts: every instance looks now and then; an incident that starts is stored and emailed once to the
 * alert recipients (through the outbox, traceable to the incident), and once more when it ends. When the mail
 * server is down as the incident opens, the email waits in the outbox and says it is late.
 */
import { closeIncident, openIncident, type Incident } from '../adapters/incident-store.ts';
import { loadListenerState } from '../adapters/listener-state-store.ts';
import { bounceWindow, failedSince, mailFlowFigures } from '../adapters/mail-flow-figures.ts';
import { addOutbound } from '../adapters/outbox-store.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import { NO_TICKET } from '../domain/directory.ts';
import { formatDurationShort } from '../domain/duration.ts';
import { incidentText } from '../domain/incident-text.ts';
import { mailFlowFindings, type Finding, type IncidentKind } from '../domain/mail-flow-alerts.ts';
import type { AppDeps } from './deps.ts';
import { dateText } from './notify.ts';

const HOUR = 3_600_000;

export interface AlertCheck {
  opened: IncidentKind[];
  closed: IncidentKind[];
}

async function queueAlert(tx: Tx, deps: AppDeps, incident: Incident, phase: 'opened' | 'closed', at: Date, late: boolean): Promise<number[]> {
  const recipients = deps.directory.audiences(deps.policy.alerts.recipients, NO_TICKET);
  const kind = incident.kind as IncidentKind;
  return await addOutbound(tx, deps.policy.organisation.domain, at, recipients.map((r) => {
    const text = incidentText(kind, r.locale);
    return {
      ticketId: null, eventId: null, incidentId: incident.id, template: `incident-${phase}`, locale: r.locale, to: r.email,
      data: {
        org: deps.policy.organisation.name[r.locale], recipient: r.name, ...text, ref: `INC-${incident.id}`,
        startedAt: dateText(deps, incident.startedAt, r.locale), endedAt: dateText(deps, incident.endedAt, r.locale),
        lasted: incident.endedAt === null ? '' : formatDurationShort(incident.endedAt.getTime() - incident.startedAt.getTime()),
        detail: Object.entries(incident.detail).map(([name, value]) => ({ name, value: String(value) })),
        late,
      },
    };
  }));
}

/** Opens and closes incidents from what the database says now; `smtpUsable` marks alerts that will go out late. */
export async function checkMailFlow(deps: AppDeps, o: { smtpUsable: boolean; listenerStaleMs: number }): Promise<AlertCheck> {
  const now = deps.clock.now();
  const policy = deps.policy.alerts;
  const [figures, listener, failed, bounces] = await Promise.all([
    mailFlowFigures(deps.db, now), loadListenerState(deps.db),
    failedSince(deps.db, new Date(now.getTime() - policy.failed_within)), bounceWindow(deps.db, new Date(now.getTime() - HOUR)),
  ]);
  const findings = mailFlowFindings(policy, {
    now, listener, listenerStaleMs: o.listenerStaleMs, oldestRetryingAt: figures.oldestRetryingSince,
    failedWithinWindow: failed, oldestOverdueDueAt: figures.overdueTimers.oldestDueAt, bounces,
  });
  const result: AlertCheck = { opened: [], closed: [] };
  const outboxIds: number[] = [];
  for (const f of findings) {
    const ids = await deps.db.transaction(async (tx) => await settle(tx, deps, f, now, !o.smtpUsable, result));
    outboxIds.push(...ids);
  }
  if (outboxIds.length > 0) await deps.scheduler.schedule({ outboxIds, timers: [] });
  return result;
}

async function settle(tx: Tx, deps: AppDeps, f: Finding, now: Date, late: boolean, result: AlertCheck): Promise<number[]> {
  if (f.active) {
    const opened = await openIncident(tx, { kind: f.kind, at: now, detail: f.detail, late });
    if (opened === undefined) return [];
    result.opened.push(f.kind);
    deps.log.warn({ incident: opened.id, kind: f.kind, detail: f.detail, late }, 'mail-flow incident opened');
    return await queueAlert(tx, deps, opened, 'opened', now, late);
  }
  const closed = await closeIncident(tx, f.kind, now);
  if (closed === undefined) return [];
  result.closed.push(f.kind);
  deps.log.info({ incident: closed.id, kind: f.kind }, 'mail-flow incident closed');
  return await queueAlert(tx, deps, closed, 'closed', now, late);
}
