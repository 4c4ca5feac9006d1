/**
 * One OAuth2 access token shared by the IMAP listener and every SMTP connection: fetched once, reused until shortly
 * before it expires, renewed when a server refused it. Concurrent callers share one request. After the authorization
 * server refused (consent revoked, secret expired) the refusal is answered from memory for a back-off period that
 * doubles, so eight SMTP workers and the IMAP reconnect loop do not hammer the token endpoint.
 */
import { isTransient } from '../../errors.ts';

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Asks the authorization server for a new access token (one request). */
export type TokenSource = () => Promise<AccessToken>;

export interface TokenCacheOptions {
  now?: () => number;
  /** Renew when less than this is left (capped at a fifth of the token's lifetime for short-lived tokens). */
  refreshBeforeMs?: number;
  /** First pause after a refusal; doubles up to `maxRefusalPauseMs`. */
  refusalPauseMs?: number;
  maxRefusalPauseMs?: number;
}

export class TokenCache {
  private current: { token: AccessToken; renewAt: number } | undefined;
  private pending: Promise<AccessToken> | undefined;
  private refusal: { err: unknown; until: number; pause: number } | undefined;
  private readonly now: () => number;
  private readonly refreshBeforeMs: number;
  private readonly refusalPauseMs: number;
  private readonly maxRefusalPauseMs: number;
  /** Tokens obtained from the source (for health and tests). */
  issued = 0;

  constructor(private readonly source: TokenSource, opts: TokenCacheOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.refreshBeforeMs = opts.refreshBeforeMs ?? 5 * 60_000;
    this.refusalPauseMs = opts.refusalPauseMs ?? 30_000;
    this.maxRefusalPauseMs = opts.maxRefusalPauseMs ?? 15 * 60_000;
  }

  /** A token valid for a while yet; `renew` discards the cached one (a server just refused it). */
  async get(renew = false): Promise<AccessToken> {
    if (renew) this.current = undefined;
    const c = this.current;
    if (c !== undefined && this.now() < c.renewAt) return c.token;
    const r = this.refusal;
    if (r !== undefined && this.now() < r.until) throw r.err;
    this.pending ??= this.fetch().finally(() => { this.pending = undefined; });
    return await this.pending;
  }

  /** When the cached token will be renewed (epoch ms), for clients that keep their own copy (nodemailer). */
  renewAt(): number {
    return this.current?.renewAt ?? 0;
  }

  private async fetch(): Promise<AccessToken> {
    const startedAt = this.now();
    try {
      const token = await this.source();
      const lifetime = Math.max(0, token.expiresAt - startedAt);
      this.current = { token, renewAt: token.expiresAt - Math.min(this.refreshBeforeMs, lifetime / 5) };
      this.refusal = undefined;
      this.issued += 1;
      return token;
    } catch (err) {
      this.current = undefined;
      if (!isTransient(err)) {
        const pause = this.refusal === undefined ? this.refusalPauseMs : Math.min(this.refusal.pause * 2, this.maxRefusalPauseMs);
        this.refusal = { err, until: this.now() + pause, pause };
      }
      throw err;
    }
  }
}
