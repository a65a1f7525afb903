-- 0005_traceparent: a job carries the W3C trace context of the add that created it.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 4.
--
-- Guarantees:
--   * jobs.traceparent holds the job's `traceparent` as core validated it (00-<32 hex>-<16 hex>-
--     <2 hex>), or NULL when it has none; existing jobs get NULL. insert-job.sql and add-job.sql
--     write it; nothing else changes it. The column is appended, so `SELECT *` gives it last
--     (src/rows.ts JOB_COLUMNS). ADD COLUMN without a default rewrites no row.
ALTER TABLE jobs ADD COLUMN traceparent TEXT;
