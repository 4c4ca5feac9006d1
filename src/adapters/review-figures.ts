/** The figures a policy review ticket carries (escalation policy, step 12), for tickets created in [from, to). */
import type { Db } from './db.ts';

export interface ReviewFigures {
  received: number; resolved: number; within: number; escalated: number; open: number;
  causes: { root_cause: string; n: number }[];
}

export async function reviewFigures(db: Db, from: Date, to: Date): Promise<ReviewFigures> {
  const [row] = await db.raw(`
    select count(*)::int as received,
      count(*) filter (where t.resolved_at is not null and t.resolved_at < ?)::int as resolved,
      count(*) filter (where t.resolved_at is not null and t.resolved_at < ? and t.resolved_at <= coalesce(d.due_at, t.resolved_at))::int as within,
      count(*) filter (where t.level >= 1)::int as escalated,
      count(*) filter (where t.status <> 'resolved')::int as open
    from tickets t
    left join lateral (select due_at from deadlines where ticket_id = t.id and kind = 'escalate' and level = 1 order by seq desc limit 1) d on true
    where t.created_at >= ? and t.created_at < ?`, [to, to, from, to]).then((r: { rows: Omit<ReviewFigures, 'causes'>[] }) => r.rows);
  const causes = await db('tickets').whereNotNull('root_cause').where('resolved_at', '>=', from).where('resolved_at', '<', to)
    .groupBy('root_cause').select('root_cause').count<{ root_cause: string; n: string }[]>('* as n').orderBy('n', 'desc').limit(5);
  return { ...(row ?? { received: 0, resolved: 0, within: 0, escalated: 0, open: 0 }), causes: causes.map((c) => ({ root_cause: c.root_cause, n: Number(c.n) })) };
}
