/** The PostgreSQL connection (knex over pg) and migrations. */
import { fileURLToPath } from 'node:url';
import knex, { type Knex } from 'knex';
import pg from 'pg';

// bigint ids and counts as JS numbers: ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Knex;

interface Session { query(sql: string, done: (err: Error | null) => void): void }

export function openDb(url: string, pool = 10): Db {
  return knex({
    client: 'pg', connection: url,
    pool: {
      min: 0, max: pool,
      // JIT compilation costs 100–350 ms on each large report query, more than it saves them (a year's report over a
      // million tickets: 4.1 s → 3.3 s without it); every other query is an index lookup it never helps.
      afterCreate: (conn: Session, done: (err: Error | null, conn: Session) => void) => {
        conn.query('set jit = off', (err) => { done(err, conn); });
      },
    },
  });
}

const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ directory: migrationsDir, loadExtensions: ['.ts'] })) as [number, string[]];
  return applied;
}
