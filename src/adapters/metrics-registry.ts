/**
 * Prometheus metrics (prom-client), every name prefixed `tasaeed_`. Counters and the latency histogram count what
 * this process did; gauges are set from the database, the queues and ServiceHealth just before each scrape, from
 * one round of cheap queries shared with the mail-flow alerts (see mail-flow-figures.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import type { InboundFacts } from './inbound-outcome-facts.ts';
import type { MailFlowFigures } from './mail-flow-figures.ts';
import { SERVICES, type ServiceHealth } from './service-health.ts';
import { within } from './time-limit.ts';

/** A scrape answers within this even when PostgreSQL or Redis hangs (their figures are then left as they were). */
const SOURCE_TIMEOUT_MS = 3000;

export interface MetricsSources {
  figures(): Promise<MailFlowFigures>;
  queues: readonly Queue[];
  health: ServiceHealth;
  listener(): { leader: boolean; connected: boolean; unfetched: number | null };
  openIncidents(): Promise<{ kind: string }[]>;
  now(): Date;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;
const seconds = (from: Date | null, to: Date): number => from === null ? 0 : Math.max(0, (to.getTime() - from.getTime()) / 1000);

export class Metrics {
  readonly registry = new Registry();
  private readonly inbound = new Counter({ name: 'tasaeed_inbound_messages_total', help: 'Inbound messages processed by this instance, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'tasaeed_ingest_latency_seconds', help: 'From the mail server receiving a message to its outcome committed',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800], registers: [this.registry],
  });
  private readonly dmarc = new Counter({ name: 'tasaeed_dmarc_verdicts_total', help: 'DMARC verdicts of commands checked by this instance', labelNames: ['verdict'], registers: [this.registry] });
  private readonly gauges = {
    unprocessed: this.gauge('tasaeed_inbound_stored_unprocessed', 'Inbound messages stored and not processed yet'),
    quarantined: this.gauge('tasaeed_inbound_quarantined', 'Inbound messages kept aside with a reason'),
    unfetched: this.gauge('tasaeed_imap_unfetched', 'Messages found in the mailbox and not yet fetched (on the listener holder)'),
    outbox: this.gauge('tasaeed_outbox_emails', 'Outbox emails by status', ['status']),
    oldestUnsent: this.gauge('tasaeed_outbox_oldest_unsent_seconds', 'Age of the oldest email not sent yet (0: none)'),
    timerLag: this.gauge('tasaeed_timer_lag_seconds', 'Now minus the due time of the oldest due and unfired deadline (0: none)'),
    overdue: this.gauge('tasaeed_timers_overdue', 'Deadlines due and not fired yet'),
    deadlines: this.gauge('tasaeed_deadlines_pending', 'Pending deadlines by kind', ['kind']),
    open: this.gauge('tasaeed_tickets_open', 'Unresolved tickets by escalation level and department', ['level', 'department']),
    reports: this.gauge('tasaeed_reports_sent', 'Report runs sent, by kind', ['kind']),
    queue: this.gauge('tasaeed_queue_jobs', 'BullMQ jobs by queue and state', ['queue', 'state']),
    connected: this.gauge('tasaeed_imap_connected', '1 while this instance has an open IMAP session'),
    leader: this.gauge('tasaeed_imap_leader', '1 on the instance that holds the IMAP listener'),
    service: this.gauge('tasaeed_service_up', '1 while a service this instance depends on is usable', ['service']),
    incidents: this.gauge('tasaeed_incidents_open', 'Open mail-flow incidents by kind', ['kind']),
    scrape: this.gauge('tasaeed_metrics_collect_seconds', 'Time to gather the database and queue figures of this scrape'),
  };

  constructor(private readonly sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tasaeed_' });
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** Counts processed inbound messages (outcome, latency, DMARC verdict). */
  observeInbound(outcomes: readonly { inboundId: number; status: string; kind: string }[], facts: readonly InboundFacts[]): void {
    for (const o of outcomes) {
      this.inbound.inc({ outcome: o.status === 'processed' ? o.kind : o.status });
      const f = facts.find((x) => x.id === o.inboundId);
      if (f === undefined) continue;
      if (f.processedAt !== null) this.latency.observe(Math.max(0, (f.processedAt.getTime() - f.arrivedAt.getTime()) / 1000));
      if (f.dmarc !== null) this.dmarc.inc({ verdict: f.dmarc });
    }
  }

  /** Prometheus text of every metric, gauges refreshed first. */
  async text(): Promise<string> {
    const began = performance.now();
    await this.refresh();
    this.gauges.scrape.set((performance.now() - began) / 1000);
    return await this.registry.metrics();
  }

  get contentType(): string { return this.registry.contentType; }

  private async refresh(): Promise<void> {
    const g = this.gauges;
    const now = this.sources.now();
    const l = this.sources.listener();
    g.connected.set(l.connected ? 1 : 0);
    g.leader.set(l.leader ? 1 : 0);
    g.unfetched.set(l.unfetched ?? 0);
    for (const s of SERVICES) g.service.set({ service: s }, this.sources.health.usable(s) ? 1 : 0);
    // The database and Redis may be the very thing that is down: the rest of the metrics still answer.
    await Promise.all([
      within(SOURCE_TIMEOUT_MS, 'figures', this.sources.figures()).then((f) => { this.setFigures(f, now); }, () => undefined),
      within(SOURCE_TIMEOUT_MS, 'queues', this.setQueues()).catch(() => undefined),
      within(SOURCE_TIMEOUT_MS, 'incidents', this.sources.openIncidents()).then((list) => {
        g.incidents.reset();
        for (const i of list) g.incidents.inc({ kind: i.kind });
      }, () => undefined),
    ]);
  }

  private setFigures(f: MailFlowFigures, now: Date): void {
    const g = this.gauges;
    for (const [status, n] of Object.entries(f.outbox)) g.outbox.set({ status }, n);
    g.oldestUnsent.set(seconds(f.oldestUnsentAt, now));
    g.timerLag.set(seconds(f.overdueTimers.oldestDueAt, now));
    g.overdue.set(f.overdueTimers.count);
    g.unprocessed.set(f.storedUnprocessed);
    g.quarantined.set(f.quarantined);
    g.deadlines.reset();
    for (const kind of ['escalate', 'remind', 'customer_update']) g.deadlines.set({ kind }, f.deadlinesPending[kind] ?? 0);
    g.open.reset();
    for (const t of f.ticketsOpen) g.open.set({ level: String(t.level), department: t.department }, t.count);
    g.reports.reset();
    for (const r of f.reports) g.reports.set({ kind: r.kind }, r.sent);
  }

  private async setQueues(): Promise<void> {
    const counts = await Promise.all(this.sources.queues.map(async (q) => ({ q: q.name, c: await q.getJobCounts(...JOB_STATES) })));
    for (const { q, c } of counts) for (const state of JOB_STATES) this.gauges.queue.set({ queue: q, state }, c[state] ?? 0);
  }
}
