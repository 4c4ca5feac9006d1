/** The ticket list, one ticket's page, its attachments, and its action forms. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attachmentContent, listTickets, ownersInScope, ticketPageData, type ListFilters } from '../../adapters/desk-read-model.ts';
import { loadTicketByRef } from '../../adapters/ticket-store.ts';
import { pendingEscalation } from '../../adapters/timer-store.ts';
import { applyWebCommand } from '../../app/web-command.ts';
import { normalizeForMatch } from '../../domain/arabic-text.ts';
import { canSee } from '../../domain/desk-visibility.ts';
import type { Ticket } from '../../domain/ticket.ts';
import { actionForms, commandOf, isWebAction } from './action-forms.ts';
import type { DeskContext } from './context.ts';
import type { Caller } from './session.ts';
import { STRINGS } from './strings.ts';

const PAGE = 50;
const STATUSES = ['triage', 'open', 'resolved'] as const;

const one = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : undefined);

type Filters = ListFilters & { q?: string | undefined };

function filtersOf(query: Record<string, unknown>): Filters {
  const status = one(query.status);
  const level = one(query.level);
  const before = one(query.before);
  const q = one(query.q)?.trim();
  return {
    status: STATUSES.find((s) => s === status),
    department: one(query.department), priority: one(query.priority), owner: one(query.owner),
    level: level !== undefined && /^\d{1,2}$/.test(level) ? Number(level) : undefined,
    overdue: query.overdue === '1',
    before: before !== undefined && /^\d{1,15}$/.test(before) ? Number(before) : undefined,
    q, search: q === undefined ? undefined : normalizeForMatch(q),
  };
}

function href(f: Filters, before?: number): string {
  const p = new URLSearchParams();
  const set = (k: string, v: string | number | undefined): void => { if (v !== undefined) p.set(k, String(v)); };
  set('q', f.q); set('status', f.status); set('department', f.department); set('priority', f.priority);
  set('level', f.level); set('owner', f.owner);
  if (f.overdue === true) p.set('overdue', '1');
  set('before', before);
  const s = p.toString();
  return s === '' ? '/' : `/?${s}`;
}

export function ticketRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const { deps, views, tickets, sessions } = ctx;
  const policy = deps.policy;

  /** The ticket, if this caller may see it; otherwise the same 404 as a ticket that does not exist. */
  async function visibleTicket(c: Caller, ref: string, reply: FastifyReply): Promise<Ticket | undefined> {
    const t = /^T-\d{1,12}$/i.test(ref) ? await loadTicketByRef(deps.db, ref) : undefined;
    if (t !== undefined && c.scope !== null && canSee(c.scope, t)) return t;
    await ctx.notFound(c, reply);
    return undefined;
  }

  app.get('/', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.scope == null) return;
    const f = filtersOf(req.query as Record<string, unknown>);
    const now = deps.clock.now();
    const [{ rows, more }, owners] = await Promise.all([listTickets(deps.db, c.scope, f, now, PAGE), ownersInScope(deps.db, c.scope)]);
    const s = STRINGS[c.locale];
    const opt = (value: string, label: string, current: unknown) => ({ value, label, selected: current === value || current === Number(value) });
    const last = rows[rows.length - 1];
    return ctx.html(reply, views.render('list', sessions.frame(c), s.tickets, {
      f, rows: rows.map((r) => tickets.listed(r, now, c.locale)),
      statuses: STATUSES.map((x) => opt(x, s[x], f.status)),
      departments: policy.departments.map((d) => opt(d.key, d.name[c.locale], f.department)),
      priorities: policy.priorities.map((p) => opt(p.key, p.name[c.locale], f.priority)),
      levels: [0, ...policy.ladder.map((_, i) => i + 1)].map((l) => opt(String(l), `${s.levelN} ${l}`, f.level)),
      owners: owners.map((o) => opt(o, deps.directory.recipient(o).name, f.owner)),
      olderHref: more && last !== undefined ? href(f, last.id) : null,
      newestHref: href(f),
    }));
  });

  app.get<{ Params: { ref: string } }>('/tickets/:ref', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null) return;
    const t = await visibleTicket(c, req.params.ref, reply);
    if (t === undefined) return;
    const done = (req.query as Record<string, unknown>).done;
    await ticketPage(c, t, reply, typeof done === 'string' ? { kind: 'ok', text: STRINGS[c.locale].applied } : undefined);
  });

  async function ticketPage(c: Caller, t: Ticket, reply: FastifyReply, flash: Parameters<typeof sessions.frame>[1], open?: string): Promise<void> {
    if (c.viewer === null) return;
    const [data, due] = await Promise.all([ticketPageData(deps.db, t.id), pendingEscalation(deps.db, t.id)]);
    const forms = actionForms(deps.directory, t, c.viewer.email, c.locale).map((a) => ({ ...a, open: a.name === open }));
    const view = tickets.page(t, data, due?.due_at ?? null, deps.clock.now(), c.locale);
    await ctx.html(reply, views.render('ticket', sessions.frame(c, flash), `${t.ref} ${t.subject}`, { ...view, actions: forms }));
  }

  app.get<{ Params: { ref: string; id: string } }>('/tickets/:ref/attachments/:id', async (req, reply) => {
    const c = await ctx.signedIn(req, reply);
    if (c?.viewer == null) return;
    const t = await visibleTicket(c, req.params.ref, reply);
    if (t === undefined) return;
    const a = /^\d{1,15}$/.test(req.params.id) ? await attachmentContent(deps.db, t.id, Number(req.params.id)) : undefined;
    if (a === undefined) { await ctx.notFound(c, reply); return; }
    // Never rendered by the browser: a download, of an opaque type, with sniffing off.
    const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    await reply.header('content-type', 'application/octet-stream').header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
      .send(a.content);
  });

  app.post<{ Params: { ref: string; action: string } }>('/tickets/:ref/actions/:action', async (req: FastifyRequest<{ Params: { ref: string; action: string } }>, reply) => {
    const c = await ctx.signedIn(req, reply, true);
    if (c?.viewer == null) return;
    const t = await visibleTicket(c, req.params.ref, reply);
    if (t === undefined) return;
    const action = req.params.action;
    if (!isWebAction(action)) { await ctx.notFound(c, reply); return; }
    const out = await applyWebCommand(deps, { ticketId: t.id, actor: c.viewer.email, command: commandOf(action, req.body as Record<string, unknown>, c.locale) });
    const s = STRINGS[c.locale];
    if ('refused' in out) {
      reply.code(422);
      const fresh = await loadTicketByRef(deps.db, t.ref) ?? t;
      await ticketPage(c, fresh, reply, { kind: 'refused', text: `${s.refused} ${out.refused.command}: ${out.refused.reason[c.locale]}` }, action);
      return;
    }
    await reply.redirect(`/tickets/${t.ref}?done=${action}`, 303);
  });
}
