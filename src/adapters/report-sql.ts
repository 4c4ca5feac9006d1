/**
 * Runs a report query with settings that suit one large aggregate: enough work_mem (128 MB) to sort a year of tickets in
 * memory (percentiles, DISTINCT) instead of on disk, and no JIT compilation (it costs more than it saves here).
 * The settings are local to the query's own transaction; the pool's other connections are untouched.
 */
import type { Db } from './db.ts';

const WORK_MEM = '128MB';

export async function reportRows<T>(db: Db, sql: string, bindings: Record<string, unknown>): Promise<T[]> {
  return await db.transaction(async (tx) => {
    await tx.raw(`set local work_mem = '${WORK_MEM}'; set local jit = off`);
    return ((await tx.raw(sql, bindings)) as { rows: T[] }).rows;
  });
}
