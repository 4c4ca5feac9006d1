/** Mail-flow incidents: at most one open per kind, opened and closed once however many instances notice. */
import type { Tx } from './ticket-store.ts';

export interface Incident {
  id: number;
  kind: string;
  startedAt: Date;
  endedAt: Date | null;
  detail: Record<string, unknown>;
  late: boolean;
}

interface Row { id: number; kind: string; started_at: Date; ended_at: Date | null; detail: Record<string, unknown>; late: boolean }
const toIncident = (r: Row): Incident => ({ id: r.id, kind: r.kind, startedAt: r.started_at, endedAt: r.ended_at, detail: r.detail, late: r.late });

/** Opens an incident of this kind unless one is open; returns it only to the caller that opened it. */
export async function openIncident(tx: Tx, o: { kind: string; at: Date; detail: Record<string, unknown>; late: boolean }): Promise<Incident | undefined> {
  const r = await tx.raw(`insert into incidents (kind, started_at, detail, late) values (?, ?, ?, ?)
    on conflict (kind) where ended_at is null do nothing returning *`, [o.kind, o.at, JSON.stringify(o.detail), o.late]) as { rows: Row[] };
  return r.rows[0] === undefined ? undefined : toIncident(r.rows[0]);
}

/** Closes the open incident of this kind; returns it only to the caller that closed it. */
export async function closeIncident(tx: Tx, kind: string, at: Date): Promise<Incident | undefined> {
  const r = await tx.raw(`update incidents set ended_at = ? where kind = ? and ended_at is null returning *`, [at, kind]) as { rows: Row[] };
  return r.rows[0] === undefined ? undefined : toIncident(r.rows[0]);
}

export async function openIncidents(tx: Tx): Promise<Incident[]> {
  return ((await tx<Row>('incidents').whereNull('ended_at').orderBy('started_at')) as Row[]).map(toIncident);
}

/** The latest incidents, open or closed, newest first. */
export async function recentIncidents(tx: Tx, limit = 20): Promise<Incident[]> {
  return ((await tx<Row>('incidents').orderBy('id', 'desc').limit(limit)) as Row[]).map(toIncident);
}
