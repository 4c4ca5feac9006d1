/** What a scenario measured, whether it met its goal, and how it is printed (table, JSON, BENCHMARKS.md rows). */
import type { Machine } from './machine.ts';

/** A bound on a value: `<=` or `>=`. With `overFloor`, the bound applies to value − floor (e.g. ≤ floor + 100 ms). */
export interface Goal {
  op: '<=' | '>=';
  value: number;
  overFloor?: boolean;
}

export interface Figure {
  /** Stable machine-readable key, e.g. `ingest.emails_per_s`. */
  key: string;
  label: string;
  value: number;
  unit: string;
  goal?: Goal;
  /** The limit of the parts, measured in the same run, in the same unit. */
  floor?: { label: string; value: number };
  /** A bound on value / floor (e.g. ingest ≥ 0.5 × fetch+parse). */
  ratioGoal?: Goal;
  /** Context the reader needs, not a goal (floors, sizes, counts). */
  info?: boolean;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  mode: 'full' | 'quick';
  date: string;
  machine: Machine;
  /** How the bench's PostgreSQL ran (absent for scenarios that use no services, and in results from before it was recorded). */
  postgres?: 'durable' | 'fsync off';
  params: Record<string, string | number>;
  figures: Figure[];
  notes: string[];
  elapsedMs: number;
}

export function ratio(f: Figure): number | undefined {
  return f.floor === undefined || f.floor.value === 0 ? undefined : f.value / f.floor.value;
}

function holds(g: Goal, v: number): boolean {
  return g.op === '<=' ? v <= g.value : v >= g.value;
}

/** True/false when the figure has a goal, undefined when it has none. */
export function met(f: Figure): boolean | undefined {
  const checks: boolean[] = [];
  if (f.goal !== undefined) {
    const v = f.goal.overFloor === true ? f.value - (f.floor?.value ?? Number.NaN) : f.value;
    checks.push(holds(f.goal, v));
  }
  const r = ratio(f);
  if (f.ratioGoal !== undefined) checks.push(r !== undefined && holds(f.ratioGoal, r));
  return checks.length === 0 ? undefined : checks.every(Boolean);
}

export function num(v: number, unit = ''): string {
  if (!Number.isFinite(v)) return '—';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  const text = v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === '' ? text : `${text} ${unit}`;
}

export function goalText(f: Figure): string {
  const parts: string[] = [];
  const sign = (g: Goal) => (g.op === '<=' ? '≤' : '≥');
  if (f.goal !== undefined) {
    parts.push(f.goal.overFloor === true ? `${sign(f.goal)} floor + ${num(f.goal.value, f.unit)}` : `${sign(f.goal)} ${num(f.goal.value, f.unit)}`);
  }
  if (f.ratioGoal !== undefined) parts.push(`ratio ${sign(f.ratioGoal)} ${num(f.ratioGoal.value)}`);
  return parts.join('; ');
}

export function floorText(f: Figure): string {
  return f.floor === undefined ? '' : `${num(f.floor.value, f.unit)} (${f.floor.label})`;
}

export function ratioText(f: Figure): string {
  const r = ratio(f);
  return r === undefined ? '' : `${num(r)}×`;
}

export function metText(f: Figure): string {
  const m = met(f);
  return m === undefined ? '' : m ? 'yes' : 'NO';
}

/** A plain-text table with aligned columns (the terminal view). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const FIGURE_COLUMNS = ['figure', 'value', 'goal', 'floor (same run)', 'ratio to floor', 'met?'] as const;

export function figureRow(f: Figure): string[] {
  return [f.label, num(f.value, f.unit), goalText(f), floorText(f), ratioText(f), metText(f)];
}

export function scenarioText(r: ScenarioResult): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${typeof v === 'number' ? num(v) : v}`).join(', ');
  const pg = r.postgres === undefined ? '' : `PostgreSQL ${r.postgres}; `;
  const head = `== ${r.scenario}: ${r.title} (${r.mode}; ${pg}${params}; ${num(r.elapsedMs / 1000)} s)`;
  const notes = r.notes.map((n) => `   · ${n}`);
  return [head, textTable(FIGURE_COLUMNS, r.figures.map(figureRow)), ...notes, ''].join('\n');
}

/** The machine-readable object printed with --json (one per scenario). */
export function scenarioJson(r: ScenarioResult): Record<string, unknown> {
  return {
    ...r,
    figures: r.figures.map((f) => ({ ...f, ratio: ratio(f) ?? null, met: met(f) ?? null })),
  };
}
