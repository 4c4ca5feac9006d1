/**
 * Batched writes inside one transaction. While a batch (of inbound messages, of due deadlines) is processed, the rows
 * the store functions insert into the tables below are kept in memory and written with one multi-row INSERT per
 * table: before any other statement runs on the transaction, and before it commits. A dozen round trips per message
 * become a few per batch, and nothing else changes: ids come from the tables' sequences up front (so callers get them
 * at once and rows can reference each other), and every statement issued through the transaction — a read, an
 * update, any query a use case writes by hand — first flushes the pending rows, so it sees what it would have seen.
 * An error in a flush fails the transaction like the INSERT would have; callers retry message by message.
 */
import type { Knex } from 'knex';

type Tx = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

/** Parents before children: each foreign key between these tables points to one earlier in the list. */
const TABLES = ['ticket_events', 'deadlines', 'thread_messages', 'outbox'] as const;
export type DeferredTable = (typeof TABLES)[number];

/** ON CONFLICT DO NOTHING target per table, as the store functions use it. */
const CONFLICT: Partial<Record<DeferredTable, readonly string[]>> = {
  deadlines: ['ticket_id', 'level'],
  thread_messages: ['message_id'],
};

/** Tables whose ids are handed out before the INSERT (their ids are internal: gaps do not matter). */
export type SequencedTable = 'ticket_events' | 'outbox';

// Keeps one multi-row INSERT under PostgreSQL's 65,535 bind parameters.
const ROWS_PER_INSERT = 1000;
// Ids taken per round trip: what the previous batch used, so a steady stream needs one round trip per table.
const usedLastTime = new Map<SequencedTable, number>();

export class DeferredInserts {
  private readonly pending = new Map<DeferredTable, Row[]>(TABLES.map((t) => [t, []]));
  private readonly ids = new Map<SequencedTable, number[]>();
  private readonly used = new Map<SequencedTable, number>();
  private flushing: Promise<void> | undefined;

  /** `tx` is the transaction itself, for statements that touch none of the deferred tables. */
  constructor(readonly tx: Knex.Transaction) {}

  add(table: DeferredTable, rows: readonly Row[]): void {
    this.pending.get(table)?.push(...rows);
  }

  /** Rows not written yet, oldest first (for lookups that must see them without a flush). */
  rows(table: DeferredTable): readonly Row[] {
    return this.pending.get(table) ?? [];
  }

  async nextIds(table: SequencedTable, count: number): Promise<number[]> {
    let free = this.ids.get(table) ?? [];
    if (free.length < count) {
      const want = Math.max(count - free.length, usedLastTime.get(table) ?? 16);
      const result = await this.tx.raw(
        'select nextval(pg_get_serial_sequence(?, \'id\')) as id from generate_series(1, ?)', [table, want],
      ) as { rows: { id: number }[] };
      free = [...free, ...result.rows.map((r) => r.id)];
    }
    this.ids.set(table, free.slice(count));
    this.used.set(table, (this.used.get(table) ?? 0) + count);
    return free.slice(0, count);
  }

  /** Writes every pending row; concurrent callers share one flush. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (TABLES.every((t) => this.rows(t).length === 0)) return;
    this.flushing = this.write();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(): Promise<void> {
    for (const table of TABLES) {
      const rows = this.pending.get(table) ?? [];
      this.pending.set(table, []);
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const insert = this.tx(table).insert(rows.slice(i, i + ROWS_PER_INSERT));
        const target = CONFLICT[table];
        await (target === undefined ? insert : insert.onConflict([...target]).ignore());
      }
    }
  }

  /** Remembers how many ids this batch used, to size the next batch's first request. */
  finish(): void {
    for (const [table, n] of this.used) usedLastTime.set(table, Math.min(Math.max(n, 16), 4096));
  }
}

const active = new WeakMap<object, DeferredInserts>();

/** The deferred inserts of a transaction opened with withDeferredInserts, if any. */
export function deferredOf(tx: Tx): DeferredInserts | undefined {
  return active.get(tx);
}

/** The transaction without the flush-first guard: for statements on tables that are never deferred. */
export function direct(tx: Tx): Tx {
  return active.get(tx)?.tx ?? tx;
}

interface Thenable {
  then(onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown): Promise<unknown>;
}

function isThenable(value: unknown): value is Thenable {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && typeof (value as { then?: unknown }).then === 'function';
}

/** A query that, when executed, first waits for `before`. Builders return themselves when chained, so this holds. */
function flushFirst<T>(query: T, before: () => Promise<void>): T {
  if (!isThenable(query)) return query;
  const run = query.then.bind(query);
  Object.defineProperty(query, 'then', {
    configurable: true,
    value: (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) =>
      before().then(() => run(onFulfilled, onRejected)),
  });
  return query;
}

/** The transaction as callers see it: `tx(table)` and `tx.raw(sql)` flush the deferred rows before they run. */
function guard(tx: Knex.Transaction, before: () => Promise<void>): Knex.Transaction {
  return new Proxy(tx, {
    apply: (target, self, args: unknown[]): unknown => flushFirst<unknown>(Reflect.apply(target, self, args), before),
    get: (target, prop, receiver): unknown => {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'raw' && typeof value === 'function') {
        return (...args: unknown[]): unknown => flushFirst<unknown>(Reflect.apply(value, target, args), before);
      }
      return value;
    },
  });
}

/** Runs `fn` with a transaction whose inserts (made through the store functions) are deferred and batched. */
export async function withDeferredInserts<T>(tx: Knex.Transaction, fn: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
  const deferred = new DeferredInserts(tx);
  const guarded = guard(tx, () => deferred.flush());
  active.set(guarded, deferred);
  const result = await fn(guarded);
  await deferred.flush();
  deferred.finish();
  return result;
}
