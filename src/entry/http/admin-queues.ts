/**
 * The BullMQ dashboard (bull-board), read-only, at /admin/queues, only with ADMIN_TOKEN set and presented: as
 * `Authorization: Bearer <token>`, or once as `?token=` from a browser, which then keeps it in an HttpOnly cookie
 * scoped to the dashboard (its pages call their API without the query string).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

export const ADMIN_PATH = '/admin/queues';
const COOKIE = 'tasaeed_admin';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function presented(req: FastifyRequest): { token: string; via: 'header' | 'query' | 'cookie' } | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') === true) return { token: auth.slice(7).trim(), via: 'header' };
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  if (typeof q === 'string') return { token: q, via: 'query' };
  const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
  return cookie === undefined ? undefined : { token: decodeURIComponent(cookie.slice(COOKIE.length + 1)), via: 'cookie' };
}

export function adminQueues(o: { token: string; queues: readonly Queue[] }): FastifyPluginAsync {
  const expected = digest(o.token);
  return async (app) => {
    const board = new FastifyAdapter();
    board.setBasePath(ADMIN_PATH);
    createBullBoard({ queues: o.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })), serverAdapter: board });
    await app.register(async (scope) => {
      scope.addHook('onRequest', async (req, reply) => {
        const p = presented(req);
        if (p === undefined || !timingSafeEqual(digest(p.token), expected)) {
          await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'present ADMIN_TOKEN as a Bearer token' });
          return;
        }
        if (p.via === 'query') {
          void reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(p.token)}; Path=${ADMIN_PATH}; HttpOnly; SameSite=Strict`);
        }
      });
      await scope.register(board.registerPlugin(), { prefix: ADMIN_PATH });
    });
  };
}
