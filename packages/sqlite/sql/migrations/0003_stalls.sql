-- 0003_stalls: forgiven stalls. A job whose lease expired (its worker crashed, was killed or went
-- silent) goes back to the queue without spending an attempt, up to the queue's max_stalls times.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 2.
--
-- Guarantees:
--   * queues.max_stalls is stored like concurrency and max_size, so the reclaim sweep of any
--     process decides with the same value; existing queues and new ones get 1 (DEFAULT_MAX_STALLS
--     in @waitline/core), 0 making every stall cost an attempt as before this migration.
--   * jobs.stalls counts the lease expiries of the job (reclaim-expired.sql adds one, retry-job.sql
--     resets it); existing jobs start at 0. The column is appended, so `SELECT *` gives it last
--     (src/rows.ts JOB_COLUMNS). ADD COLUMN with a constant default rewrites no row.
ALTER TABLE queues ADD COLUMN max_stalls INTEGER NOT NULL DEFAULT 1 CHECK (max_stalls >= 0);

ALTER TABLE jobs ADD COLUMN stalls INTEGER NOT NULL DEFAULT 0 CHECK (stalls >= 0);
