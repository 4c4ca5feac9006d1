/**
 * Sign-in to the web desk by emailed link: a person of the policy asks, a one-time link valid 15 minutes goes out
 * through the outbox; opening it (and confirming, so mail scanners that fetch links do not spend it) starts a
 * session. An address outside the policy, or one asking too often, gets no email, and the caller shows the same
 * neutral answer either way.
 */
import { addSession, lockSignInAddress, addSignIn, countSignInsSince, endSession, linkSignInEmail, redeemSignIn, sessionEmail } from '../adapters/desk-session-store.ts';
import { addOutbound } from '../adapters/outbox-store.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import { hashSecret, newSecret } from '../domain/desk-token.ts';
import { mayUseDesk } from '../domain/desk-visibility.ts';
import type { AppDeps } from './deps.ts';
import { dateText } from './notify.ts';

export const LINK_VALID_MS = 15 * 60_000;
export const SESSION_VALID_MS = 12 * 3_600_000;
/** Links one address may ask for within LINK_VALID_MS. */
export const LINKS_PER_WINDOW = 3;

export type SignInRequest = 'sent' | 'not_in_policy' | 'rate_limited';

const linkOf = (base: string, token: string): string => `${base.replace(/\/+$/, '')}/sign-in/${token}`;

async function newLink(tx: Tx, deps: AppDeps, email: string, base: string): Promise<{ id: number; link: string; expiresAt: Date }> {
  const token = newSecret();
  const at = deps.clock.now();
  const expiresAt = new Date(at.getTime() + LINK_VALID_MS);
  const id = await addSignIn(tx, { email, tokenHash: hashSecret(token), at, expiresAt });
  return { id, link: linkOf(base, token), expiresAt };
}

export async function requestSignIn(deps: AppDeps, address: string, base: string): Promise<SignInRequest> {
  const email = deps.directory.canonical(address.trim());
  if (!mayUseDesk(deps.directory, email)) return 'not_in_policy';
  const outboxIds = await deps.db.transaction(async (tx) => {
    await lockSignInAddress(tx, email);
    const since = new Date(deps.clock.now().getTime() - LINK_VALID_MS);
    if (await countSignInsSince(tx, email, since) >= LINKS_PER_WINDOW) return undefined;
    const { id, link, expiresAt } = await newLink(tx, deps, email, base);
    const r = deps.directory.recipient(email);
    const ids = await addOutbound(tx, deps.policy.organisation.domain, deps.clock.now(), [{
      ticketId: null, eventId: null, template: 'desk-sign-in', locale: r.locale, to: r.email,
      data: {
        org: deps.policy.organisation.name[r.locale], title: deps.policy.organisation.name[r.locale], recipient: r.name,
        link, expiresAt: dateText(deps, expiresAt, r.locale), minutes: LINK_VALID_MS / 60_000,
      },
    }]);
    if (ids[0] !== undefined) await linkSignInEmail(tx, id, ids[0]);
    return ids;
  });
  if (outboxIds === undefined) return 'rate_limited';
  await deps.scheduler.schedule({ outboxIds, timers: [] });
  return 'sent';
}

/** A link printed for an operator (`tasaeed desk link`), not emailed. */
export async function printableSignInLink(deps: AppDeps, address: string, base: string): Promise<string | undefined> {
  const email = deps.directory.canonical(address.trim());
  if (!mayUseDesk(deps.directory, email)) return undefined;
  return (await newLink(deps.db, deps, email, base)).link;
}

export interface Session {
  /** The cookie value; only its hash is stored. */
  id: string;
  email: string;
  expiresAt: Date;
}

/** Spends a link and starts a new session (the old one, if any, ends: sessions rotate at sign-in). */
export async function redeemLink(deps: AppDeps, token: string, oldSessionId?: string): Promise<Session | undefined> {
  const at = deps.clock.now();
  return await deps.db.transaction(async (tx) => {
    const email = await redeemSignIn(tx, hashSecret(token), at);
    if (email === undefined) return undefined;
    if (oldSessionId !== undefined) await endSession(tx, hashSecret(oldSessionId), at);
    const id = newSecret();
    const expiresAt = new Date(at.getTime() + SESSION_VALID_MS);
    await addSession(tx, { idHash: hashSecret(id), email, at, expiresAt });
    return { id, email, expiresAt };
  });
}

export async function sessionOf(deps: AppDeps, sessionId: string): Promise<string | undefined> {
  return await sessionEmail(deps.db, hashSecret(sessionId), deps.clock.now());
}

export async function signOut(deps: AppDeps, sessionId: string): Promise<void> {
  await endSession(deps.db, hashSecret(sessionId), deps.clock.now());
}
