import type { Knex } from 'knex';

/**
 * Big mail: a message over MAX_MESSAGE_BYTES is stored as its header section alone, with its real size; the row
 * says so, and `tasaeed quarantine retry` fetches the whole message again from the mailbox (mailbox, UIDVALIDITY
 * and UID are on the row).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table inbound_messages add column body_kept boolean not null default true');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table inbound_messages drop column body_kept');
}
