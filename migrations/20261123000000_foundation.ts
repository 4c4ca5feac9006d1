import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table mailbox_state (
      mailbox     text not null,
      uidvalidity bigint not null,
      last_uid    bigint not null default 0,
      updated_at  timestamptz not null default now(),
      primary key (mailbox, uidvalidity)
    );

    create table tickets (
      id                 bigserial primary key,
      ref                text generated always as ('T-' || lpad(id::text, 6, '0')) stored unique,
      subject            text not null,
      description        text not null,
      department_key     text,
      routed_via         text,
      status             text not null check (status in ('triage', 'open', 'resolved')),
      level              int not null default 0,
      originator_email   text not null,
      originator_name    text not null default '',
      owner_email        text,
      root_cause         text,
      preventive_measure text,
      thread_message_id  text,
      created_at         timestamptz not null,
      updated_at         timestamptz not null,
      resolved_at        timestamptz
    );
    create index tickets_status_idx on tickets (status, created_at);
    create index tickets_resolved_idx on tickets (resolved_at) where resolved_at is not null;

    create table inbound_messages (
      id          bigserial primary key,
      mailbox     text not null,
      uidvalidity bigint,
      uid         bigint,
      message_id  text,
      sha256      text not null,
      size        int not null,
      raw         bytea not null,
      status      text not null default 'pending' check (status in ('pending', 'processed', 'quarantined', 'duplicate')),
      kind        text,
      reason      text,
      ticket_id   bigint references tickets(id),
      received_at timestamptz not null default now(),
      processed_at timestamptz
    );
    create unique index inbound_uid_uq on inbound_messages (mailbox, uidvalidity, uid) where uid is not null;
    create index inbound_pending_idx on inbound_messages (id) where status = 'pending';
    create index inbound_message_id_idx on inbound_messages (message_id);

    create table ticket_events (
      id          bigserial primary key,
      ticket_id   bigint not null references tickets(id),
      kind        text not null,
      actor       text,
      inbound_id  bigint references inbound_messages(id),
      data        jsonb not null default '{}',
      created_at  timestamptz not null
    );
    create index ticket_events_ticket_idx on ticket_events (ticket_id, id);

    -- The timeline is evidence (policy 000, role of management): it can grow, never change.
    create function ticket_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'ticket_events is append-only'; end $$;
    create trigger ticket_events_no_change before update or delete on ticket_events
      for each row execute function ticket_events_append_only();

    create table report_runs (
      id          bigserial primary key,
      kind        text not null,
      period      text not null,
      late        boolean not null default false,
      created_at  timestamptz not null default now(),
      unique (kind, period)
    );

    create table outbox (
      id          bigserial primary key,
      ticket_id   bigint references tickets(id),
      event_id    bigint references ticket_events(id),
      report_run_id bigint references report_runs(id),
      template    text not null,
      locale      text not null,
      to_email    text not null,
      message_id  text not null unique,
      data        jsonb not null,
      status      text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts    int not null default 0,
      last_error  text,
      created_at  timestamptz not null,
      sent_at     timestamptz,
      check (event_id is not null or report_run_id is not null)
    );
    create index outbox_pending_idx on outbox (id) where status = 'pending';
    create index outbox_ticket_idx on outbox (ticket_id);

    -- Message-IDs of a ticket's thread (ours and theirs), for matching replies by In-Reply-To/References.
    create table thread_messages (
      message_id text primary key,
      ticket_id  bigint not null references tickets(id)
    );

    create table deadlines (
      id         bigserial primary key,
      ticket_id  bigint not null references tickets(id),
      level      int not null,
      due_at     timestamptz not null,
      status     text not null default 'pending' check (status in ('pending', 'fired', 'void')),
      settled_at timestamptz,
      unique (ticket_id, level)
    );
    create index deadlines_pending_idx on deadlines (due_at) where status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table if exists deadlines, thread_messages, outbox, report_runs, ticket_events, inbound_messages,
      tickets, mailbox_state cascade;
    drop function if exists ticket_events_append_only();
  `);
}
