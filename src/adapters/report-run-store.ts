/** report_runs (one row per report kind and period, or policy review period) and the actions taken on them by reply. */
import type { ReportKind } from '../domain/report-period.ts';
import type { Tx } from './ticket-store.ts';

export interface ReportRun { id: number; kind: ReportKind; period: string; late: boolean; created_at: Date }

/** Claims the run of (kind, period); undefined when it already exists (the report was sent, or is being sent). */
export async function claimReportRun(tx: Tx, r: { kind: ReportKind | 'policy_review'; period: string; late?: boolean; at?: Date }): Promise<number | undefined> {
  const [run] = await tx('report_runs').insert({ kind: r.kind, period: r.period, late: r.late ?? false, ...(r.at === undefined ? {} : { created_at: r.at }) })
    .onConflict(['kind', 'period']).ignore().returning('id') as { id: number }[];
  return run?.id;
}

export async function reportRunExists(tx: Tx, kind: ReportKind, period: string): Promise<boolean> {
  return await tx('report_runs').where({ kind, period }).first('id') !== undefined;
}

export async function loadReportRun(tx: Tx, id: number): Promise<ReportRun | undefined> {
  return await tx('report_runs').where({ id }).first() as ReportRun | undefined;
}

export async function addReportAction(tx: Tx, a: {
  runId: number; inboundId: number; kind: 'forward' | 'refused' | 'reply'; actor: string; note: string; reason: string | null; at: Date;
}): Promise<void> {
  await tx('report_actions').insert({
    report_run_id: a.runId, inbound_id: a.inboundId, kind: a.kind, actor: a.actor, note: a.note, reason: a.reason, created_at: a.at,
  });
}
