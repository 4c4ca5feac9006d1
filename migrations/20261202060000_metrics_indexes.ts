import type { Knex } from 'knex';

/**
 * The figures behind /metrics, `tasaeed status` and the mail-flow alerts, read every few seconds on every instance:
 * each from a small index instead of a scan of the outbox, the tickets or the deadlines (a million rows each in the
 * benchmark). Sent emails are counted over the last day (outbox_sent_at_idx, from the operations migration), the rest
 * by status.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create index outbox_unsent_status_idx on outbox (status) where status <> 'sent';
    create index tickets_open_level_idx on tickets (level, department_key) where resolved_at is null;
    create index deadlines_pending_kind_idx on deadlines (kind) where status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index outbox_unsent_status_idx;
    drop index tickets_open_level_idx; drop index deadlines_pending_kind_idx;
  `);
}
