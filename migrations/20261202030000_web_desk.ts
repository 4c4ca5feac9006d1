import type { Knex } from 'knex';

/**
 * The web desk: one-time sign-in links and sessions (only SHA-256 hashes of their secrets are stored), the source of
 * a ticket event, and an Arabic-folding function for search.
 *
 * `ticket_events.source` defaults to the transaction's `tasaeed.source` setting, so a command applied from the desk
 * runs the same command code as an email and every event it writes says `web` (the desk sets it with set_config).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table desk_sign_ins (
      id          bigserial primary key,
      email       text not null,
      token_hash  text not null unique,
      created_at  timestamptz not null,
      expires_at  timestamptz not null,
      used_at     timestamptz,
      outbox_id   bigint references outbox(id)
    );
    create index desk_sign_ins_email_idx on desk_sign_ins (email, created_at);

    create table desk_sessions (
      id_hash     text primary key,
      email       text not null,
      created_at  timestamptz not null,
      expires_at  timestamptz not null
    );
    create index desk_sessions_expires_idx on desk_sessions (expires_at);

    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check
      check (event_id is not null or report_run_id is not null or inbound_id is not null or template = 'desk-sign-in');

    alter table ticket_events add column source text default nullif(current_setting('tasaeed.source', true), '');

    -- The same folding as normalizeForMatch (src/domain/arabic-text.ts): no diacritics or tatweel, one alef,
    -- yaa for alef maqsura, haa for taa marbuta, lower case.
    create function tasaeed_fold(t text) returns text language sql immutable parallel safe as $$
      select lower(translate(regexp_replace(normalize(coalesce(t, ''), NFKC), '[\\u064B-\\u065F\\u0670\\u0640]', '', 'g'),
        'إأآٱىة', 'اااايه'))
    $$;

    -- Search by substring of the folded text, with trigram indexes (pg_trgm ships with PostgreSQL and is trusted).
    create extension if not exists pg_trgm;
    create index tickets_search_idx on tickets using gin (tasaeed_fold(ref || ' ' || subject || ' ' || description) gin_trgm_ops);
    create index ticket_events_search_idx on ticket_events using gin (tasaeed_fold(data::text) gin_trgm_ops);

    -- The desk's list: newest first within the filters it offers.
    create index tickets_department_idx on tickets (department_key, id);
    create index tickets_owner_idx on tickets (owner_email, id);
    create index tickets_originator_idx on tickets (originator_email, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists tickets_department_idx, tickets_owner_idx, tickets_originator_idx, tickets_search_idx, ticket_events_search_idx;
    drop function if exists tasaeed_fold(text);
    alter table ticket_events drop column source;
    delete from outbox where template = 'desk-sign-in';
    alter table outbox drop constraint outbox_check;
    alter table outbox add constraint outbox_check check (event_id is not null or report_run_id is not null or inbound_id is not null);
    drop table if exists desk_sessions, desk_sign_ins;
  `);
}
