-- 0002_stalls: forgiven stalls. A job whose lease expired (its worker crashed, was killed or went
-- silent) goes back to the queue without spending an attempt, up to the queue's max_stalls times.
--
-- `{{schema}}` is replaced by the quoted schema name before this runs. Applied by src/migrate.ts
-- in one transaction under the advisory lock, like 0001_init.
--
-- Guarantees:
--   * queues.max_stalls is stored like concurrency and max_size, so the reclaim sweep of any
--     process decides with the same value; existing queues and new ones get 1 (DEFAULT_MAX_STALLS
--     in @waitline/core), 0 making every stall cost an attempt as before this migration.
--   * jobs.stalls counts the lease expiries of the job (reclaim-expired.sql adds one,
--     retry-job.sql resets it); existing jobs start at 0. Every job query returns row_to_json of
--     the whole row, so the functions of 0001_init (claim, settle, enqueue) return it unchanged.
--   * ADD COLUMN with a constant default is a catalog change (no table rewrite) on PostgreSQL 11+;
--     the CHECKs validate existing rows, which all hold the default.
ALTER TABLE {{schema}}.queues ADD COLUMN max_stalls integer NOT NULL DEFAULT 1 CHECK (max_stalls >= 0);

ALTER TABLE {{schema}}.jobs ADD COLUMN stalls integer NOT NULL DEFAULT 0 CHECK (stalls >= 0);
