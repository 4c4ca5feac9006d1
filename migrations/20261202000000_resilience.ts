import type { Knex } from 'knex';

/**
 * Resilience: an email whose server was down is `retrying` (with its next attempt and last error), never `failed`;
 * `failed` is kept for a permanent answer. Inbound rows count their transient failures so `status` can show them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table outbox drop constraint outbox_status_check;
    alter table outbox add constraint outbox_status_check check (status in ('pending', 'retrying', 'sent', 'failed', 'bounced'));
    alter table outbox
      add column next_attempt_at timestamptz,
      add column last_attempt_at timestamptz,
      add column failed_at       timestamptz;
    drop index outbox_pending_idx;
    create index outbox_unsent_idx on outbox (id) where status in ('pending', 'retrying');
    create index outbox_failed_idx on outbox (id) where status = 'failed';

    alter table inbound_messages
      add column attempts   int not null default 0,
      add column last_error text;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table inbound_messages drop column attempts, drop column last_error;
    drop index outbox_failed_idx;
    drop index outbox_unsent_idx;
    update outbox set status = 'pending' where status = 'retrying';
    create index outbox_pending_idx on outbox (id) where status = 'pending';
    alter table outbox drop column next_attempt_at, drop column last_attempt_at, drop column failed_at;
    alter table outbox drop constraint outbox_status_check;
    alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'failed', 'bounced'));
  `);
}
