/** What every desk route shares: the deps, the views, the sessions, and the answers every page may give. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SendDeps } from '../../app/send-outbound.ts';
import type { Caller, DeskSessions } from './session.ts';
import { STRINGS } from './strings.ts';
import type { TicketViews } from './ticket-view.ts';
import type { DeskViews } from './views.ts';

export class DeskContext {
  constructor(
    readonly deps: SendDeps,
    readonly views: DeskViews,
    readonly sessions: DeskSessions,
    readonly tickets: TicketViews,
    /** Where emailed links point: DESK_URL, or the server's own address. */
    readonly baseUrl: string,
  ) {}

  async html(reply: FastifyReply, body: string): Promise<void> {
    await reply.type('text/html; charset=utf-8').send(body);
  }

  async message(c: Caller, reply: FastifyReply, code: number, title: string, text: string): Promise<void> {
    reply.code(code);
    await this.html(reply, this.views.render('message', this.sessions.frame(c), title, { text }));
  }

  async notFound(c: Caller, reply: FastifyReply): Promise<void> {
    const s = STRINGS[c.locale];
    await this.message(c, reply, 404, s.notFound, s.notFound);
  }

  /**
   * The signed-in caller, or undefined after answering: a visitor is sent to the sign-in page, and a form posted
   * without its CSRF token is refused (403) before anything else happens.
   */
  async signedIn(req: FastifyRequest, reply: FastifyReply, form = false): Promise<Caller | undefined> {
    const c = await this.sessions.caller(req, reply);
    if (form && !this.sessions.csrfOk(c, req.body)) {
      const s = STRINGS[c.locale];
      await this.message(c, reply, 403, s.csrf, s.csrf);
      return undefined;
    }
    if (c.viewer === null) {
      await reply.redirect('/sign-in', 303);
      return undefined;
    }
    return c;
  }

  /** For pages only some roles may open. */
  async allowed(c: Caller, reply: FastifyReply, ok: boolean): Promise<boolean> {
    if (ok) return true;
    const s = STRINGS[c.locale];
    await this.message(c, reply, 403, s.forbidden, s.forbidden);
    return false;
  }
}
