import type { Knex } from 'knex';

/**
 * Every email says what it belongs to: a ticket event, a report run, an inbound message (a quarantine notice), a
 * mail-flow incident or a desk sign-in. The operations and web-desk migrations each rewrote this check without the
 * other's source; this one holds them all.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check
      check (event_id is not null or report_run_id is not null or inbound_id is not null or incident_id is not null
             or template = 'desk-sign-in');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check
      check (event_id is not null or report_run_id is not null or inbound_id is not null or template = 'desk-sign-in');
  `);
}
