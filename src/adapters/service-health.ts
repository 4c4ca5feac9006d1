/**
 * What this process knows about each service it depends on: usable or not, the last success, the last error.
 * Outages are logged once when they start (warn), counted while they last, and once when they end (info): no
 * stack-trace floods. `/readyz`, metrics and alerts read the same snapshot.
 */
import { messageOf } from '../errors.ts';
import type { Logger } from './logger.ts';

export const SERVICES = ['postgres', 'redis', 'imap', 'smtp'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceState {
  ok: boolean;
  lastSuccess: Date | null;
  lastError: string | null;
  /** When the current state began (the outage start while not ok). */
  since: Date;
  /** Failures reported during the current outage. */
  failures: number;
}

export type HealthListener = (service: ServiceName, state: Readonly<ServiceState>) => void;

export class ServiceHealth {
  private readonly states = new Map<ServiceName, ServiceState>();
  private readonly listeners: HealthListener[] = [];

  constructor(private readonly log: Logger, private readonly now: () => Date = () => new Date()) {}

  /** The service answered. Ends an outage (one log line with how long it lasted and how many failures). */
  ok(service: ServiceName): void {
    const at = this.now();
    const s = this.states.get(service);
    if (s === undefined || !s.ok) {
      if (s !== undefined) {
        this.log.info({ service, outageSeconds: Math.round((at.getTime() - s.since.getTime()) / 1000), failures: s.failures },
          `${service} is reachable again`);
      }
      this.states.set(service, { ok: true, lastSuccess: at, lastError: s?.lastError ?? null, since: at, failures: 0 });
      this.emit(service);
      return;
    }
    s.lastSuccess = at;
  }

  /** The service failed. The first failure of an outage logs a warning with what is blocked; later ones only count. */
  failed(service: ServiceName, err: unknown, blocked?: string): void {
    const at = this.now();
    const s = this.states.get(service);
    const message = messageOf(err);
    if (s === undefined || s.ok) {
      this.log.warn({ service, err, blocked }, `${service} is unavailable${blocked === undefined ? '' : `: ${blocked} waits until it is back`}; retrying`);
      this.states.set(service, { ok: false, lastSuccess: s?.lastSuccess ?? null, lastError: message, since: at, failures: 1 });
      this.emit(service);
      return;
    }
    s.failures += 1;
    s.lastError = message;
  }

  state(service: ServiceName): Readonly<ServiceState> | undefined {
    return this.states.get(service);
  }

  /** True unless the service is known to be down. */
  usable(service: ServiceName): boolean {
    return this.states.get(service)?.ok ?? true;
  }

  snapshot(): Partial<Record<ServiceName, Readonly<ServiceState>>> {
    return Object.fromEntries(this.states);
  }

  onChange(listener: HealthListener): void {
    this.listeners.push(listener);
  }

  private emit(service: ServiceName): void {
    const s = this.states.get(service);
    if (s !== undefined) for (const l of this.listeners) l(service, s);
  }
}
