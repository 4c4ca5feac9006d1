/** `/metrics`: Prometheus text. */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../adapters/metrics-registry.ts';

export function metricsRoute(metrics: Metrics): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async functions
  return async (app) => {
    app.get('/metrics', async (_req, reply) => await reply.type(metrics.contentType).send(await metrics.text()));
  };
}
