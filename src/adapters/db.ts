/** The PostgreSQL connection (knex over pg) and migrations. */
import { fileURLToPath } from 'node:url';
import knex, { type Knex } from 'knex';
import pg from 'pg';

// bigint ids and counts as JS numbers: ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Knex;

export function openDb(url: string, pool = 10): Db {
  return knex({ client: 'pg', connection: url, pool: { min: 0, max: pool } });
}

const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ directory: migrationsDir, loadExtensions: ['.ts'] })) as [number, string[]];
  return applied;
}
