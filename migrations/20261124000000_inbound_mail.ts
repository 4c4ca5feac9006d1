import type { Knex } from 'knex';

/**
 * Inbound mail as real clients and servers send it: who sent each message and when it arrived (rate limit),
 * the sender-authentication verdict, a content hash for deduplication across re-deliveries, attachments,
 * bounced outbox rows, and outbox rows that answer an inbound message without a ticket (quarantine notices).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table inbound_messages
      add column from_email     text,
      add column arrived_at     timestamptz,
      add column content_sha256 text,
      add column auth           jsonb;
    create index inbound_sender_idx on inbound_messages (from_email, arrived_at) where from_email is not null;
    create index inbound_status_idx on inbound_messages (status, id);

    create table inbound_attachments (
      id             bigserial primary key,
      inbound_id     bigint not null references inbound_messages(id),
      ticket_id      bigint references tickets(id),
      position       int not null,
      filename       text not null,
      content_type   text not null,
      size           bigint not null,
      inline         boolean not null default false,
      content_id     text,
      sha256         text,
      -- null when the part was only listed: over the size or count limit
      content        bytea,
      skipped_reason text,
      -- the file names inside a winmail.dat
      contains       jsonb,
      unique (inbound_id, position)
    );
    create index inbound_attachments_ticket_idx on inbound_attachments (ticket_id) where ticket_id is not null;

    alter table outbox
      add column inbound_id    bigint references inbound_messages(id),
      add column bounced_at    timestamptz,
      add column bounce_reason text;
    alter table outbox drop constraint outbox_status_check;
    alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'failed', 'bounced'));
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check
      check (event_id is not null or report_run_id is not null or inbound_id is not null);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check check (event_id is not null or report_run_id is not null);
    alter table outbox drop constraint outbox_status_check;
    alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'failed'));
    alter table outbox drop column inbound_id, drop column bounced_at, drop column bounce_reason;
    drop table inbound_attachments;
    alter table inbound_messages drop column from_email, drop column arrived_at, drop column content_sha256,
      drop column auth;
  `);
}
