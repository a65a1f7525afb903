-- 0009_rate_limits: per-queue rate limits (at most rate_max starts in any rate_interval_ms window).
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is below 9. Depends on
-- nothing after 0007: it only adds two columns to queues and a table of its own.
--
-- Guarantees:
--   * queues.rate_max and queues.rate_interval_ms are both NULL (no limit) or both positive (core
--     validates before writing; upsert-queue.sql writes them together).
--   * rate_starts logs one row per job start (claim) of a rate-limited queue, written by the
--     claim in the same BEGIN IMMEDIATE transaction that leases, after counting the rows still in
--     the window: so two processes can never both take the last token. Rows at or before
--     now - rate_interval_ms no longer count and are deleted by the next claim of the queue.
--   * rate_starts_queue_at (queue, at) serves the count, the trim and the oldest-start lookup.
ALTER TABLE queues ADD COLUMN rate_max INTEGER CHECK (rate_max IS NULL OR rate_max > 0);
ALTER TABLE queues ADD COLUMN rate_interval_ms INTEGER CHECK (rate_interval_ms IS NULL OR rate_interval_ms > 0);

CREATE TABLE rate_starts (
  queue TEXT    NOT NULL,
  at    INTEGER NOT NULL
) STRICT;

CREATE INDEX rate_starts_queue_at ON rate_starts (queue, at);
