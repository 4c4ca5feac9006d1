/** Sign-in links and sessions of the web desk; only hashes of their secrets are stored. */
import type { Tx } from './ticket-store.ts';

export async function addSignIn(tx: Tx, s: { email: string; tokenHash: string; at: Date; expiresAt: Date }): Promise<number> {
  const [row] = await tx('desk_sign_ins').insert({
    email: s.email, token_hash: s.tokenHash, created_at: s.at, expires_at: s.expiresAt,
  }).returning('id') as { id: number }[];
  if (row === undefined) throw new Error('insert into desk_sign_ins returned no row');
  return row.id;
}

export async function linkSignInEmail(tx: Tx, id: number, outboxId: number): Promise<void> {
  await tx('desk_sign_ins').where({ id }).update({ outbox_id: outboxId });
}

export async function countSignInsSince(tx: Tx, email: string, since: Date): Promise<number> {
  const row = await tx('desk_sign_ins').where({ email }).where('created_at', '>=', since).count('* as n').first() as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

/** Marks a link used, once: the address it was for, or undefined when it is unknown, used or expired. */
export async function redeemSignIn(tx: Tx, tokenHash: string, at: Date): Promise<string | undefined> {
  const rows = await tx('desk_sign_ins').where({ token_hash: tokenHash }).whereNull('used_at').where('expires_at', '>', at)
    .update({ used_at: at }).returning('email') as { email: string }[];
  return rows[0]?.email;
}

export async function addSession(tx: Tx, s: { idHash: string; email: string; at: Date; expiresAt: Date }): Promise<void> {
  await tx('desk_sessions').insert({ id_hash: s.idHash, email: s.email, created_at: s.at, expires_at: s.expiresAt });
}

export async function sessionEmail(tx: Tx, idHash: string, at: Date): Promise<string | undefined> {
  const row = await tx('desk_sessions').where({ id_hash: idHash }).where('expires_at', '>', at).first('email') as { email: string } | undefined;
  return row?.email;
}

/** Ends a session, and every expired one with it. */
export async function endSession(tx: Tx, idHash: string, at: Date): Promise<void> {
  await tx('desk_sessions').where({ id_hash: idHash }).orWhere('expires_at', '<=', at).delete();
}

/** One sign-in request at a time per address (until the transaction ends), so the rate limit cannot be raced. */
export async function lockSignInAddress(tx: Tx, email: string): Promise<void> {
  await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [`desk-sign-in:${email}`]);
}
