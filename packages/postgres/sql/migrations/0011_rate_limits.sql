-- 0011_rate_limits: per-queue rate limits (at most rate_max starts in any rate_interval_ms window).
--
-- Depends on nothing after 0009: it adds two columns to queues and a table of its own. Raising the
-- schema version also makes src/migrate.ts run sql/functions/claim.sql again (the claim reading
-- the limit and logging starts), and makes older code refuse this schema.
--
-- Guarantees:
--   * queues.rate_max and queues.rate_interval_ms are both NULL (no limit) or both positive (core
--     validates; upsert-queue.sql writes them together).
--   * rate_starts logs one row per job start of a rate-limited queue, written by claim() in the
--     transaction that leases, after it locked the queue row FOR UPDATE and counted the rows still
--     in the window: two claimers of the queue serialise on that lock, so they can never both
--     take the last token. Rows at or before now - rate_interval_ms are deleted by the next claim.
--   * rate_starts_queue_at (queue, at) serves the count, the trim and the oldest-start lookup.
ALTER TABLE {{schema}}.queues ADD COLUMN rate_max integer CHECK (rate_max IS NULL OR rate_max > 0);
ALTER TABLE {{schema}}.queues ADD COLUMN rate_interval_ms bigint CHECK (rate_interval_ms IS NULL OR rate_interval_ms > 0);

CREATE TABLE {{schema}}.rate_starts (
  queue text   NOT NULL,
  at    bigint NOT NULL
);

CREATE INDEX rate_starts_queue_at ON {{schema}}.rate_starts (queue, at);
