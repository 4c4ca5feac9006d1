import type { Knex } from 'knex';

/**
 * Operations: mail-flow incidents (each emails once when it opens and once when it closes, so an alert email is
 * traceable to its incident like a report email to its run), and the IMAP listener's state as its holder reports
 * it, so `tasaeed status` and every instance's alerts see the one listener.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table incidents (
      id          bigserial primary key,
      kind        text not null,
      started_at  timestamptz not null,
      ended_at    timestamptz,
      detail      jsonb not null default '{}',
      -- the alert went out after the mail server came back
      late        boolean not null default false
    );
    -- At most one open incident of a kind: instances that notice it at once open it once.
    create unique index incidents_open_uq on incidents (kind) where ended_at is null;
    create index incidents_started_idx on incidents (started_at);

    alter table outbox add column incident_id bigint references incidents(id);
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check
      check (event_id is not null or report_run_id is not null or inbound_id is not null or incident_id is not null);
    create index outbox_incident_idx on outbox (incident_id) where incident_id is not null;
    -- The age of the oldest unsent email without a scan.
    create index outbox_unsent_created_idx on outbox (created_at) where status in ('pending', 'retrying');
    -- The bounce rate over the last hour, and the emails that failed for good lately.
    create index outbox_sent_at_idx on outbox (sent_at) where sent_at is not null;
    create index outbox_bounced_at_idx on outbox (bounced_at) where bounced_at is not null;

    create table listener_state (
      id             int primary key default 1 check (id = 1),
      holder         text not null,
      acquired_at    timestamptz not null,
      heartbeat_at   timestamptz not null,
      connected      boolean not null default false,
      changed_at     timestamptz not null,
      last_idle_at   timestamptz,
      last_error     text,
      unfetched      int
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table listener_state;
    drop index outbox_unsent_created_idx, outbox_sent_at_idx, outbox_bounced_at_idx;
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check
      check (event_id is not null or report_run_id is not null or inbound_id is not null);
    alter table outbox drop column incident_id;
    drop table incidents;
  `);
}
