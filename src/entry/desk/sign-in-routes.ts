/** Sign-in by emailed link, its confirmation, and sign-out. */
import type { FastifyInstance } from 'fastify';
import { redeemLink, requestSignIn, signOut } from '../../app/desk-sign-in.ts';
import type { DeskContext } from './context.ts';
import { STRINGS } from './strings.ts';

/** Link requests per client address per window, on top of the per-address limit in desk-sign-in.ts. */
const PER_IP = 10;
const WINDOW_MS = 15 * 60_000;

export function signInRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const { deps, views, sessions } = ctx;
  const recent = new Map<string, number[]>();
  const tooMany = (ip: string, now: number): boolean => {
    const hits = (recent.get(ip) ?? []).filter((t) => now - t < WINDOW_MS);
    hits.push(now);
    recent.set(ip, hits);
    if (recent.size > 10_000) recent.clear();
    return hits.length > PER_IP;
  };

  app.get('/sign-in', async (req, reply) => {
    const c = await sessions.caller(req, reply);
    if (c.viewer !== null) { await reply.redirect('/', 303); return; }
    await ctx.html(reply, views.render('sign-in', sessions.frame(c), STRINGS[c.locale].signInTitle, { sent: false }));
  });

  app.post('/sign-in', async (req, reply) => {
    const c = await sessions.caller(req, reply);
    const s = STRINGS[c.locale];
    if (!sessions.csrfOk(c, req.body)) { await ctx.message(c, reply, 403, s.csrf, s.csrf); return; }
    const email = (req.body as Record<string, unknown>).email;
    // The same answer whatever happened: an outsider learns nothing about who is in the policy.
    if (typeof email === 'string' && email.length <= 320 && !tooMany(req.ip, Date.now())) {
      const outcome = await requestSignIn(deps, email, ctx.baseUrl);
      if (outcome !== 'sent') req.log.info({ outcome }, 'desk sign-in link not sent');
    }
    await ctx.html(reply, views.render('sign-in', sessions.frame(c), s.signInTitle, { sent: true }));
  });

  app.get<{ Params: { token: string } }>('/sign-in/:token', async (req, reply) => {
    const c = await sessions.caller(req, reply);
    await ctx.html(reply, views.render('confirm', sessions.frame(c), STRINGS[c.locale].confirmTitle, { token: req.params.token }));
  });

  app.post<{ Params: { token: string } }>('/sign-in/:token', async (req, reply) => {
    const c = await sessions.caller(req, reply);
    const s = STRINGS[c.locale];
    if (!sessions.csrfOk(c, req.body)) { await ctx.message(c, reply, 403, s.csrf, s.csrf); return; }
    const session = req.params.token.length > 200 ? undefined : await redeemLink(deps, req.params.token, c.sessionId);
    if (session === undefined) { await ctx.message(c, reply, 410, s.linkInvalid, s.linkInvalid); return; }
    sessions.startSession(reply, session.id);
    await reply.redirect('/', 303);
  });

  app.post('/sign-out', async (req, reply) => {
    const c = await sessions.caller(req, reply);
    if (!sessions.csrfOk(c, req.body)) { const s = STRINGS[c.locale]; await ctx.message(c, reply, 403, s.csrf, s.csrf); return; }
    if (c.sessionId !== undefined) await signOut(deps, c.sessionId);
    sessions.endSession(reply);
    await reply.redirect('/sign-in', 303);
  });
}
