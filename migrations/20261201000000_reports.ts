import type { Knex } from 'knex';

/**
 * Reports: what managers did with a report (report_actions), the text normalisation the reports group by, and
 * the indexes that keep a month's report over a million tickets under a second.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(String.raw`
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
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table if exists report_actions;
    drop function if exists subject_pattern(text);
    drop function if exists report_norm(text);
  `);
}
