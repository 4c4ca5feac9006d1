/** `/healthz` (the process and its event loop answer) and `/readyz` (every service this instance needs is usable). */
import type { FastifyPluginAsync } from 'fastify';
import { SERVICES, type ServiceHealth, type ServiceName } from '../../adapters/service-health.ts';

export type Check = { ok: boolean; lastSuccess: string | null; lastError: string | null } | { ok: true; role: 'standby' };

export interface Readiness {
  status: 'ok' | 'degraded';
  checks: Record<ServiceName, Check>;
}

export interface ReadinessSources {
  health: ServiceHealth;
  /** True on the instance that holds the IMAP listener: only there is the IMAP session a readiness check. */
  leader(): boolean;
}

export function readiness(s: ReadinessSources): Readiness {
  const checks = {} as Record<ServiceName, Check>;
  for (const service of SERVICES) {
    if (service === 'imap' && !s.leader()) { checks.imap = { ok: true, role: 'standby' }; continue; }
    const st = s.health.state(service);
    checks[service] = st === undefined
      ? { ok: false, lastSuccess: null, lastError: 'not checked yet' }
      : { ok: st.ok, lastSuccess: st.lastSuccess?.toISOString() ?? null, lastError: st.lastError };
  }
  return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'degraded', checks };
}

export function healthRoutes(s: ReadinessSources): FastifyPluginAsync {
  // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async functions
  return async (app) => {
    app.get('/healthz', () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }));
    app.get('/readyz', async (_req, reply) => {
      const r = readiness(s);
      return await reply.code(r.status === 'ok' ? 200 : 503).send(r);
    });
  };
}
