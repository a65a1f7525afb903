-- 0010_groups: job groups that take turns within a priority level (docs/design/groups.md).
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 9.
--
-- Guarantees:
--   * jobs.grp is the job's group, NULL for an ungrouped job (group names are 1-128 characters,
--     so '' never names a stored group; the rotation calls the ungrouped jobs '').
--   * jobs_queued is rebuilt to hold only the ungrouped queued jobs (`AND grp IS NULL`), with the
--     same leading columns and grp last (always NULL there: one byte per entry), because SQLite
--     treats an index as covering only when it holds every column a statement names, and the
--     statements on it now say `AND grp IS NULL`: a queue without groups keeps the same entries
--     in the same order and the same index-only plans. The grouped queued jobs are in jobs_grouped
--     (queue, priority DESC, grp, run_at, seq, name, size): a group's line at a level, in the
--     ordering rule's order, index-only. A queued job is in exactly one of the two, and an
--     ungrouped job writes no new index entry.
--   * queues.grouped is 0 until the queue's first grouped job is written, then 1 for ever.
--   * group_turns holds one turn stamp per (queue, group, level) of a grouped queue that has had
--     queued jobs there: lower turn goes first; '' is the default group (the ungrouped jobs).
--     The index (queue, priority DESC, turn) lists a level's turns in order. `used` is kept at 0
--     until weights land.
ALTER TABLE jobs ADD COLUMN grp TEXT;
ALTER TABLE queues ADD COLUMN grouped INTEGER NOT NULL DEFAULT 0 CHECK (grouped IN (0, 1));

DROP INDEX jobs_queued;
CREATE INDEX jobs_queued ON jobs (queue, priority DESC, run_at, seq, name, size, grp)
  WHERE state = 'queued' AND grp IS NULL;

CREATE INDEX jobs_grouped ON jobs (queue, priority DESC, grp, run_at, seq, name, size)
  WHERE state = 'queued' AND grp IS NOT NULL;

CREATE TABLE group_turns (
  queue    TEXT    NOT NULL,
  grp      TEXT    NOT NULL,
  priority INTEGER NOT NULL,
  turn     INTEGER NOT NULL,
  used     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, grp, priority)
) STRICT, WITHOUT ROWID;

CREATE INDEX group_turns_order ON group_turns (queue, priority DESC, turn);
