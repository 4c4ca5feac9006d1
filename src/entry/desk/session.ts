/**
 * Who is asking, and may they post this form: the session cookie names a stored session; a visitor without one
 * gets a random visitor cookie, so the sign-in form has a CSRF token too. CSRF tokens are an HMAC of whichever
 * cookie the browser holds, so they change when the session rotates at sign-in.
 */
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionOf, SESSION_VALID_MS } from '../../app/desk-sign-in.ts';
import type { AppDeps } from '../../app/deps.ts';
import type { Locale } from '../../domain/dates.ts';
import { csrfMatches, csrfToken, newSecret } from '../../domain/desk-token.ts';
import { deskScope, isCore, type DeskScope } from '../../domain/desk-visibility.ts';
import type { Frame, Viewer } from './views.ts';

export const SESSION_COOKIE = 'tasaeed_session';
export const VISITOR_COOKIE = 'tasaeed_visitor';

export interface Caller {
  viewer: Viewer | null;
  scope: DeskScope | null;
  locale: Locale;
  /** The cookie value the CSRF token is bound to. */
  binding: string;
  sessionId: string | undefined;
}

export class DeskSessions {
  constructor(private readonly deps: AppDeps, private readonly csrfKey: string, private readonly secure: boolean) {}

  private cookieOptions(maxAgeMs: number): { path: string; httpOnly: true; sameSite: 'lax'; secure: boolean; maxAge: number } {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure, maxAge: Math.floor(maxAgeMs / 1000) };
  }

  async caller(req: FastifyRequest, reply: FastifyReply): Promise<Caller> {
    const sessionId = req.cookies[SESSION_COOKIE];
    const email = sessionId === undefined || sessionId === '' ? undefined : await sessionOf(this.deps, sessionId);
    const query = req.query as Record<string, unknown>;
    if (email !== undefined && sessionId !== undefined) {
      const r = this.deps.directory.recipient(email);
      const scope = deskScope(this.deps.directory, email);
      return {
        viewer: { name: r.name, email, all: scope.kind === 'all', core: isCore(this.deps.directory, email) },
        scope, locale: r.locale, binding: sessionId, sessionId,
      };
    }
    let visitor = req.cookies[VISITOR_COOKIE];
    if (visitor === undefined || visitor.length < 20) {
      visitor = newSecret();
      void reply.setCookie(VISITOR_COOKIE, visitor, this.cookieOptions(SESSION_VALID_MS));
    }
    const locale: Locale = query.lang === 'en' ? 'en' : query.lang === 'ar' ? 'ar' : this.deps.policy.locale;
    return { viewer: null, scope: null, locale, binding: visitor, sessionId: undefined };
  }

  frame(c: Caller, flash?: Frame['flash']): Frame {
    const org = this.deps.policy.organisation.name[c.locale];
    return { locale: c.locale, org, csrf: csrfToken(this.csrfKey, c.binding), me: c.viewer, flash };
  }

  /** True when the form carries the token of the cookie this browser holds. */
  csrfOk(c: Caller, body: unknown): boolean {
    const given = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)._csrf : undefined;
    return csrfMatches(this.csrfKey, c.binding, given);
  }

  startSession(reply: FastifyReply, id: string): void {
    void reply.setCookie(SESSION_COOKIE, id, this.cookieOptions(SESSION_VALID_MS));
  }

  endSession(reply: FastifyReply): void {
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}
