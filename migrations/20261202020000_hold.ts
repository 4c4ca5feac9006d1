import type { Knex } from 'knex';

/**
 * On hold (escalation policy, steps 5, 7, 8): the clock stops while the desk waits on the customer or a third party.
 * The ticket keeps why and since when, the time that was left to its pending escalation, and the total time it spent
 * on hold (reports measure the clock without it). A `resume` timer ends the hold at its `until` or at `hold.max`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tickets drop constraint tickets_status_check;
    alter table tickets add constraint tickets_status_check check (status in ('triage', 'open', 'on_hold', 'resolved'));
    alter table tickets
      add column hold_since        timestamptz,
      add column hold_reason       text,
      add column hold_until        timestamptz,
      add column hold_remaining_ms bigint,
      add column held_ms           bigint not null default 0;
    alter table deadlines drop constraint deadlines_kind_check;
    alter table deadlines add constraint deadlines_kind_check check (kind in ('escalate', 'remind', 'customer_update', 'resume'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    delete from deadlines where kind = 'resume';
    alter table deadlines drop constraint deadlines_kind_check;
    alter table deadlines add constraint deadlines_kind_check check (kind in ('escalate', 'remind', 'customer_update'));
    update tickets set status = case when department_key is null then 'triage' else 'open' end where status = 'on_hold';
    alter table tickets drop column hold_since, drop column hold_reason, drop column hold_until, drop column hold_remaining_ms, drop column held_ms;
    alter table tickets drop constraint tickets_status_check;
    alter table tickets add constraint tickets_status_check check (status in ('triage', 'open', 'resolved'));
  `);
}
