import type { Knex } from 'knex';

// Timers of every kind (escalation, reminder, customer update) in one table: the rows are the truth, BullMQ
// delayed jobs with the id <kind>-<ticket>-<level>-<seq> are the alarm clocks. A changed deadline voids its rows
// and writes new ones with the next seq, so a stale job always finds its row settled.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table tickets
      add column priority text not null default 'normal',
      add column action_plan text,
      add column customer_email text,
      add column customer_direction text;

    alter table deadlines
      add column kind text not null default 'escalate' check (kind in ('escalate', 'remind', 'customer_update')),
      add column seq int not null default 0,
      add column data jsonb not null default '{}';
    alter table deadlines drop constraint deadlines_ticket_id_level_key;
    create unique index deadlines_timer_uq on deadlines (ticket_id, kind, level, seq);
    create index deadlines_ticket_pending_idx on deadlines (ticket_id) where status = 'pending';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index if exists deadlines_timer_uq;
    drop index if exists deadlines_ticket_pending_idx;
    alter table deadlines drop column kind, drop column seq, drop column data;
    alter table deadlines add constraint deadlines_ticket_id_level_key unique (ticket_id, level);
    alter table tickets drop column priority, drop column action_plan, drop column customer_email, drop column customer_direction;
  `);
}
