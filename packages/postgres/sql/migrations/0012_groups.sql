-- 0012_groups: job groups that take turns within a priority level (docs/design/groups.md).
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others. Raising the version also makes the
-- migrator re-create sql/functions (enqueue, claim and settle join and take turns; groups.sql).
--
-- Guarantees:
--   * jobs.grp is the job's group, NULL for an ungrouped job (also every job written before).
--   * queues.grouped is set by the first add or import of a job with a group, never cleared; a
--     queue with grouped false claims and counts positions with exactly the statements of 0011.
--   * Every queued job is in exactly one of two partial indexes: jobs_queued (rebuilt here for
--     ungrouped jobs only, same columns, so an ungrouped queue keeps its plans and its entries)
--     and jobs_grouped (queue, priority DESC, grp, run_at, seq) INCLUDE (name, size) for grouped
--     ones: a group's head, rank and bounded ready count are index-only seeks there. Ungrouped
--     jobs write no new index entry.
--   * group_turns holds one turn stamp per (queue, priority, group) of a grouped queue ('' names
--     the ungrouped jobs, the default group); stamps come from group_turn_seq, which only grows,
--     so a new stamp is above every stamp given before it. group_turns_order serves the claim's
--     walk in (priority DESC, turn, grp) order. used is kept for weights (always 0 here).
--   * jobs_queued is rebuilt with a plain CREATE INDEX in the migration's transaction: it blocks
--     writes to jobs while it builds (seconds per million queued jobs), as 0005 did.
ALTER TABLE {{schema}}.jobs ADD COLUMN grp text;
ALTER TABLE {{schema}}.queues ADD COLUMN grouped boolean NOT NULL DEFAULT false;

DROP INDEX {{schema}}.jobs_queued;
CREATE INDEX jobs_queued ON {{schema}}.jobs (queue, priority DESC, run_at, seq) INCLUDE (name, size)
  WHERE state = 'queued' AND grp IS NULL;
CREATE INDEX jobs_grouped ON {{schema}}.jobs (queue, priority DESC, grp, run_at, seq) INCLUDE (name, size)
  WHERE state = 'queued' AND grp IS NOT NULL;

CREATE SEQUENCE {{schema}}.group_turn_seq AS bigint;

CREATE TABLE {{schema}}.group_turns (
  queue    text    NOT NULL,
  priority integer NOT NULL,
  grp      text    NOT NULL,
  turn     bigint  NOT NULL,
  used     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, priority, grp)
);

CREATE INDEX group_turns_order ON {{schema}}.group_turns (queue, priority DESC, turn, grp);
