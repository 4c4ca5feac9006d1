/**
 * The HTTP server of `tasaeed start` (Fastify): health, readiness, metrics, the queue dashboard with ADMIN_TOKEN,
 * and whatever plugins the caller adds (the web desk). Requests are not logged one by one (monitors poll often);
 * errors are, with `err`.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Queue } from 'bullmq';
import type { Logger } from '../../adapters/logger.ts';
import type { Metrics } from '../../adapters/metrics-registry.ts';
import { adminQueues } from './admin-queues.ts';
import { healthRoutes, type ReadinessSources } from './health.ts';
import { metricsRoute } from './metrics.ts';

export interface HttpServerOptions extends ReadinessSources {
  log: Logger;
  metrics: Metrics;
  queues: readonly Queue[];
  /** Opens /admin/queues to requests that present it; without it the dashboard does not exist. */
  adminToken?: string | undefined;
  /** More routes on the same server (e.g. the web desk). */
  plugins?: readonly FastifyPluginAsync[];
  trustProxy?: boolean;
}

export async function buildHttpServer(o: HttpServerOptions): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = o.log.child({ component: 'http' });
  const app: FastifyInstance = Fastify({ loggerInstance, disableRequestLogging: true, trustProxy: o.trustProxy ?? false });
  await app.register(healthRoutes(o));
  await app.register(metricsRoute(o.metrics));
  if (o.adminToken !== undefined) await app.register(adminQueues({ token: o.adminToken, queues: o.queues }));
  for (const plugin of o.plugins ?? []) await app.register(plugin);
  return app;
}
