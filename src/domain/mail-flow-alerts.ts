/**
 * When mail has stopped flowing, from facts any instance can read: which incidents should be open now, and what
 * each one says. An incident opens once when its condition holds past its threshold and closes once when it
 * no longer holds (the store makes "once" true across instances).
 */
import type { AlertsPolicy } from './policy.ts';

export const INCIDENT_KINDS = ['imap_down', 'outbox_retrying', 'outbox_failed', 'timers_overdue', 'bounce_rate'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export interface MailFlowFacts {
  now: Date;
  /** The listener as its holder last reported it; undefined before any instance held it. */
  listener: { connected: boolean; changedAt: Date; heartbeatAt: Date; lastError: string | null } | undefined;
  /** A holder that has not reported for this long is gone. */
  listenerStaleMs: number;
  oldestRetryingAt: Date | null;
  failedWithinWindow: number;
  oldestOverdueDueAt: Date | null;
  /** Emails sent and bounced in the last hour. */
  bounces: { sent: number; bounced: number };
}

export interface Finding {
  kind: IncidentKind;
  active: boolean;
  /** Shown in the alert email and in `tasaeed status`. */
  detail: Record<string, string | number>;
}

const older = (at: Date | null, now: Date, ms: number): boolean => at !== null && now.getTime() - at.getTime() > ms;

function imapDown(f: MailFlowFacts): { since: Date; error: string } | undefined {
  const l = f.listener;
  if (l === undefined) return undefined;
  if (f.now.getTime() - l.heartbeatAt.getTime() > f.listenerStaleMs) return { since: l.heartbeatAt, error: 'no instance holds the IMAP listener' };
  return l.connected ? undefined : { since: l.changedAt, error: l.lastError ?? 'not connected' };
}

export function mailFlowFindings(policy: AlertsPolicy, f: MailFlowFacts): Finding[] {
  const down = imapDown(f);
  const rate = f.bounces.sent === 0 ? 0 : f.bounces.bounced / f.bounces.sent;
  return [
    { kind: 'imap_down', active: down !== undefined && older(down.since, f.now, policy.imap_down_after),
      detail: down === undefined ? {} : { since: down.since.toISOString(), error: down.error } },
    { kind: 'outbox_retrying', active: older(f.oldestRetryingAt, f.now, policy.retrying_after),
      detail: f.oldestRetryingAt === null ? {} : { since: f.oldestRetryingAt.toISOString() } },
    { kind: 'outbox_failed', active: f.failedWithinWindow > 0, detail: { failed: f.failedWithinWindow } },
    { kind: 'timers_overdue', active: older(f.oldestOverdueDueAt, f.now, policy.overdue_after),
      detail: f.oldestOverdueDueAt === null ? {} : { since: f.oldestOverdueDueAt.toISOString() } },
    { kind: 'bounce_rate', active: f.bounces.sent >= policy.bounce_min_sent && rate > policy.bounce_rate,
      detail: { sent: f.bounces.sent, bounced: f.bounces.bounced, percent: Math.round(rate * 100) } },
  ];
}
