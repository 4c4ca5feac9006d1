import type { Knex } from 'knex';

/**
 * Reports: what managers did with a report (report_actions), the text normalisation the reports group by, and
 * the indexes that keep a month's report over a million tickets under a second.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(String.raw`
    -- lpad() cuts longer strings to the width: ticket 1000000 got the reference of ticket 100000. Pad to at least
    -- six digits instead (T-000042, T-1000000), as domain/ticket-ref.ts does.
    alter table tickets drop column ref;
    alter table tickets add column ref text generated always as ('T-' || lpad(id::text, greatest(6, length(id::text)), '0')) stored unique;

    -- A reply to a report email: a forward to the General Manager (#رفع / #forward), a refused command or a plain reply.
    create table report_actions (
      id            bigserial primary key,
      report_run_id bigint not null references report_runs(id),
      inbound_id    bigint references inbound_messages(id),
      kind          text not null check (kind in ('forward', 'refused', 'reply')),
      actor         text not null,
      note          text not null default '',
      reason        text,
      created_at    timestamptz not null
    );
    create index report_actions_run_idx on report_actions (report_run_id, id);

    -- The same normalisation as domain/arabic-text.ts (NFKC, no diacritics or tatweel, one alef/yaa/taa marbuta),
    -- plus punctuation and runs of spaces folded to one space: "the same root cause" written twice.
    create function report_norm(s text) returns text language sql immutable parallel safe as $$
      select nullif(btrim(regexp_replace(
        regexp_replace(translate(lower(normalize(s, NFKC)), 'أإآٱىة', 'اااايه'), '[\u064B-\u065F\u0670\u0640]', '', 'g'),
        '[[:space:][:punct:]،؛؟«»]+', ' ', 'g')), '')
    $$;

    -- A subject as a pattern: [tags], Re:/Fw: prefixes dropped and numbers replaced, so "تأخر شحنة العميل 4471"
    -- and "RE: تأخر شحنة العميل 5012" are the same recurring problem.
    create function subject_pattern(s text) returns text language sql immutable parallel safe as $$
      select report_norm(regexp_replace(regexp_replace(regexp_replace(s,
        '\[[^]]*\]', ' ', 'g'),
        '^\s*((re|fw|fwd|aw|رد|تحويل|إعادة توجيه)\s*[:：]\s*)+', '', 'i'),
        '[0-9٠-٩۰-۹]+', '0', 'g'))
    $$;

    -- Kept with the row, so a report over a million tickets groups by a column instead of running regexes.
    alter table tickets
      add column subject_key text generated always as (subject_pattern(subject)) stored,
      add column root_cause_key text generated always as (report_norm(root_cause)) stored,
      add column prevention_key text generated always as (report_norm(preventive_measure)) stored;

    -- Covering indexes: each report query reads one index range and never the table rows.
    create index tickets_created_cover_idx on tickets (created_at) include (department_key, subject_key);
    drop index tickets_resolved_idx;
    create index tickets_resolved_cover_idx on tickets (resolved_at) include (department_key, created_at, root_cause_key, prevention_key)
      where resolved_at is not null;
    create index tickets_unresolved_idx on tickets (department_key, created_at) where resolved_at is null;
    create index tickets_id_cover_idx on tickets (id) include (department_key, resolved_at);
    -- The latest tickets of one recurring problem, root cause or measure.
    create index tickets_subject_key_idx on tickets (subject_key, created_at);
    create index tickets_root_cause_key_idx on tickets (root_cause_key, resolved_at) where root_cause_key is not null;
    create index tickets_prevention_key_idx on tickets (prevention_key, resolved_at) where prevention_key is not null;
    create index deadlines_due_idx on deadlines (kind, level, due_at) include (ticket_id, seq);
    create index ticket_events_escalated_idx on ticket_events (created_at) include (ticket_id) where kind = 'escalated';
    create index ticket_events_reminder_idx on ticket_events (created_at) include (ticket_id) where kind = 'reminder';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tickets drop column ref;
    alter table tickets add column ref text generated always as ('T-' || lpad(id::text, 6, '0')) stored unique;
    drop table if exists report_actions;
    drop index if exists tickets_created_cover_idx, tickets_resolved_cover_idx, tickets_unresolved_idx, tickets_id_cover_idx,
      deadlines_due_idx, ticket_events_escalated_idx, ticket_events_reminder_idx;
    create index if not exists tickets_resolved_idx on tickets (resolved_at) where resolved_at is not null;
    alter table tickets drop column subject_key, drop column root_cause_key, drop column prevention_key;
    drop function if exists subject_pattern(text);
    drop function if exists report_norm(text);
  `);
}
