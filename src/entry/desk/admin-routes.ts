/** The reports archive (as each report was sent, with its CSV), quarantine with retry (Core only), and status. */
import type { FastifyInstance } from 'fastify';
import { deskStatus, reportEmail, reportRuns } from '../../adapters/desk-archive.ts';
import { processInbound } from '../../app/ingest-message.ts';
import { listQuarantine, releaseFromQuarantine } from '../../app/quarantine.ts';
import { STRINGS } from './strings.ts';
import type { DeskContext } from './context.ts';

/** A report email shown in the browser: its own inline styles only, nothing else loads or runs. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function adminRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const { deps, views, sessions, tickets } = ctx;

  app.get('/reports', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null) return;
    const runs = await reportRuns(deps.db, c.viewer.all ? undefined : c.viewer.email);
    const s = STRINGS[c.locale];
    await ctx.html(reply, views.render('reports', sessions.frame(c), s.reports, {
      runs: runs.map((r) => ({
        kind: r.kind, period: r.period, late: r.late, created: tickets.date(r.created_at, c.locale),
        emails: r.emails.map((e) => ({ ...tickets.emailLine(e, c.locale), id: e.id, csv: e.has_csv })),
      })),
    }));
  });

  const reportFor = async (viewer: { email: string; all: boolean }, id: string) => {
    const row = /^\d{1,15}$/.test(id) ? await reportEmail(deps.db, Number(id)) : undefined;
    return row !== undefined && (viewer.all || row.to_email === viewer.email) ? row : undefined;
  };

  app.get<{ Params: { id: string } }>('/reports/emails/:id', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null) return;
    const row = await reportFor(c.viewer, req.params.id);
    if (row === undefined) { await ctx.notFound(c, reply); return; }
    const rendered = deps.templates.render(row.template, row.locale, row.data);
    await reply.header('content-security-policy', REPORT_CSP).type('text/html; charset=utf-8').send(rendered.html);
  });

  app.get<{ Params: { id: string } }>('/reports/emails/:id/csv', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null) return;
    const row = await reportFor(c.viewer, req.params.id);
    const csv = row?.data.csv;
    const name = typeof row?.data.csvName === 'string' ? row.data.csvName.replace(/[^\w.-]/g, '_') : 'report.csv';
    if (typeof csv !== 'string') { await ctx.notFound(c, reply); return; }
    await reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`)
      .send(`\uFEFF${csv}`);
  });

  app.get('/quarantine', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null || !await ctx.allowed(c, reply, c.viewer.core)) return;
    const rows = await listQuarantine(deps);
    const done = (req.query as Record<string, unknown>).retried;
    const s = STRINGS[c.locale];
    await ctx.html(reply, views.render('quarantine', sessions.frame(c, typeof done === 'string' ? { kind: 'ok', text: `${s.retried} #${done.replace(/\D/g, '')}` } : undefined), s.quarantine, {
      rows: rows.map((r) => ({ id: r.id, received: tickets.date(r.received_at, c.locale), from: r.from_email ?? '', size: r.size, reason: r.reason ?? '' })),
    }));
  });

  app.post<{ Params: { id: string } }>('/quarantine/:id/retry', async (req, reply) => {
    const c = await ctx.signedIn(req, reply, true);
    if (c?.viewer == null || !await ctx.allowed(c, reply, c.viewer.core)) return;
    if (!/^\d{1,15}$/.test(req.params.id)) { await ctx.notFound(c, reply); return; }
    const id = Number(req.params.id);
    try {
      await releaseFromQuarantine(deps, id);
    } catch {
      await ctx.notFound(c, reply);
      return;
    }
    await processInbound(deps, id);
    await reply.redirect(`/quarantine?retried=${id}`, 303);
  });

  app.get('/status', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null || !await ctx.allowed(c, reply, c.viewer.all)) return;
    const st = await deskStatus(deps.db);
    const s = STRINGS[c.locale];
    const label = (k: string): string => (s.st as Record<string, string>)[k] ?? k;
    await ctx.html(reply, views.render('status', sessions.frame(c), s.status, {
      groups: [
        { id: 'outbox', title: s.outbox, items: [
          ...Object.entries(st.outbox).map(([k, n]) => ({ label: label(k), value: n })),
          { label: s.oldestUnsent, value: tickets.date(st.oldestUnsent, c.locale) }] },
        { id: 'inbound', title: s.inbound, items: Object.entries(st.inbound).map(([k, n]) => ({ label: label(k), value: n })) },
        { id: 'timers', title: s.timers, items: [{ label: s.timers, value: st.pendingTimers }] },
      ],
      failed: st.failed.map((e) => ({ ...tickets.emailLine(e, c.locale), ref: e.ref })),
    }));
  });
}
