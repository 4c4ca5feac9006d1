/** Prints rows as an aligned text table. */
export function printTable(rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) { console.log('  (none)'); return; }
  const cols = Object.keys(rows[0] ?? {});
  const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)).replace(/\s+/g, ' ').slice(0, 60);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (vals: string[]): string => `  ${vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')}`;
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => text(r[c]))));
}
