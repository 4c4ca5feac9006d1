/**
 * What `tasaeed start` runs to be operable: active service checks, the IMAP listener on the instance that holds
 * its lease, metrics, the HTTP server (HTTP_PORT) and the mail-flow alerts.
 */
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from '../adapters/config.ts';
import { inboundFacts } from '../adapters/inbound-outcome-facts.ts';
import { mailFlowFigures, type MailFlowFigures } from '../adapters/mail-flow-figures.ts';
import { imapOptions, smtpOptions } from '../adapters/mail-options.ts';
import type { TokenCache } from '../adapters/oauth/token-cache.ts';
import { Metrics } from '../adapters/metrics-registry.ts';
import { openIncidents } from '../adapters/incident-store.ts';
import { startProbes } from '../adapters/service-watch.ts';
import { checkMailFlow } from '../app/mail-flow-alerts.ts';
import { LISTENER_STALE_MS } from './operations-status.ts';
import type { Queues } from '../adapters/queue.ts';
import type { ServiceHealth } from '../adapters/service-health.ts';
import type { SendDeps } from '../app/send-outbound.ts';
import { buildHttpServer } from './http/server.ts';
import { startListenerLeadership, type ListenerLeadership } from './listener-leadership.ts';
import type { IngestDriver } from './ingest-driver.ts';

/** The running pieces of an app that operations read (no import of main.ts: no cycle). */
export interface OperatedApp { deps: SendDeps; queues: Queues; health: ServiceHealth; tokens: TokenCache | undefined }

export interface Operations {
  readonly leadership: ListenerLeadership;
  readonly http: FastifyInstance | undefined;
  stop(): Promise<void>;
}

/** One round of figures serves every scrape (and the alerts) within `ms`: several scrapers cost one round of queries. */
function cachedFigures(app: OperatedApp, ms: number): () => Promise<MailFlowFigures> {
  let last: { at: number; value: Promise<MailFlowFigures> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at >= ms) {
      const value = mailFlowFigures(app.deps.db, app.deps.clock.now());
      value.catch(() => { last = undefined; });
      last = { at: now, value };
    }
    return last.value;
  };
}

export async function startOperations(config: Config, app: OperatedApp, driver: IngestDriver, opts: { plugins?: readonly FastifyPluginAsync[] } = {}): Promise<Operations> {
  const { deps, queues, health } = app;
  const probes = startProbes({ db: deps.db, redis: queues.connection, smtp: smtpOptions(config, app.tokens), health });
  await probes.check();
  const figures = cachedFigures(app, 5000);
  const queueList = [queues.outbound, queues.deadlines, queues.reports, queues.reviews];
  const metrics = new Metrics({
    figures, health, queues: queueList,
    listener: () => leadership, openIncidents: () => openIncidents(deps.db), now: () => deps.clock.now(),
  });
  driver.observer = async (outcomes) => {
    const facts = await inboundFacts(deps.db, outcomes.map((o) => o.inboundId));
    metrics.observeInbound(outcomes, facts);
    for (const o of outcomes) {
      const f = facts.find((x) => x.id === o.inboundId);
      const latencyMs = f?.processedAt == null ? undefined : f.processedAt.getTime() - f.arrivedAt.getTime();
      deps.log.info({ inboundId: o.inboundId, outcome: o.status === 'processed' ? o.kind : o.status, ticket: f?.ticketRef ?? undefined, latencyMs }, 'inbound outcome');
    }
  };
  const instance = config.INSTANCE_NAME ?? `${hostname()}:${process.pid}`;
  const leadership = startListenerLeadership(deps, {
    databaseUrl: config.DATABASE_URL, health, instance, driver, imap: imapOptions(config, app.tokens),
  });
  let http: FastifyInstance | undefined;
  if (config.HTTP_PORT > 0) {
    http = await buildHttpServer({
      log: deps.log, health, leader: () => leadership.leader, metrics, adminToken: config.ADMIN_TOKEN,
      queues: queueList, plugins: opts.plugins ?? [],
      // Behind a TLS proxy (an https DESK_URL) the client's address and scheme come from X-Forwarded-*.
      trustProxy: config.DESK_URL?.startsWith('https:') === true,
    });
    await http.listen({ port: config.HTTP_PORT, host: config.HTTP_HOST });
  }
  // Every instance looks; the incidents table makes each incident open and close (and email) once.
  let checking = false;
  const alerts = setInterval(() => {
    if (checking) return;
    checking = true;
    checkMailFlow(deps, { smtpUsable: health.usable('smtp'), listenerStaleMs: LISTENER_STALE_MS })
      .catch((err: unknown) => { deps.log.debug({ err }, 'mail-flow check failed (a service is down; it is reported as such)'); })
      .finally(() => { checking = false; });
  }, deps.policy.alerts.check_every);
  alerts.unref();
  deps.log.info({ instance, http: config.HTTP_PORT > 0 ? `${config.HTTP_HOST}:${config.HTTP_PORT}` : null }, 'operations started');
  return {
    leadership, http,
    async stop() {
      clearInterval(alerts);
      await http?.close();
      await leadership.stop();
      probes.stop();
    },
  };
}
