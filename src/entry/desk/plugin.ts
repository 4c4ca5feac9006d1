/**
 * The web desk as a Fastify plugin, served at `/` beside the health endpoints: server-rendered, Arabic first,
 * right to left; every page under a Content-Security-Policy that allows no inline script, every form with a CSRF
 * token, every ticket behind the caller's role.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import type { SendDeps } from '../../app/send-outbound.ts';
import { deriveKey } from '../../domain/desk-token.ts';
import { adminRoutes } from './admin-routes.ts';
import { DeskContext } from './context.ts';
import { DeskSessions } from './session.ts';
import { signInRoutes } from './sign-in-routes.ts';
import { ticketRoutes } from './ticket-routes.ts';
import { TicketViews } from './ticket-view.ts';
import { DeskViews } from './views.ts';

export interface DeskOptions {
  deps: SendDeps;
  /** The desk's public base URL (DESK_URL), or the server's own address; emailed sign-in links start with it. */
  baseUrl: string;
}

/** The desk's public base URL: DESK_URL, or the server's own address when none is set. */
export function deskBaseUrl(o: { deskUrl: string | undefined; host: string; port: number }): string {
  return (o.deskUrl ?? `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${String(o.port)}`).replace(/\/+$/, '');
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const deskPlugin: FastifyPluginAsync<DeskOptions> = async (app, opts) => {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  const views = new DeskViews();
  const sessions = new DeskSessions(opts.deps, deriveKey(opts.deps.replySecret, 'csrf'), opts.baseUrl.startsWith('https:'));
  const ctx = new DeskContext(opts.deps, views, sessions, new TicketViews(opts.deps.directory), opts.baseUrl);

  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY').header('cache-control', 'no-store');
  });

  app.get('/assets/desk.css', async (_req, reply) => { await reply.type('text/css; charset=utf-8').send(views.css); });
  app.get('/assets/desk.js', async (_req, reply) => { await reply.type('text/javascript; charset=utf-8').send(views.js); });
  signInRoutes(app, ctx);
  ticketRoutes(app, ctx);
  adminRoutes(app, ctx);
};

/** The desk for the daemon's HTTP server, with its options bound. */
export function deskFor(deps: SendDeps, o: { deskUrl: string | undefined; host: string; port: number }): FastifyPluginAsync {
  const baseUrl = deskBaseUrl(o);
  return async (app) => { await app.register(deskPlugin, { deps, baseUrl }); };
}
