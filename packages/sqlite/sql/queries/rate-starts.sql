-- rate-starts: the logged start times of a rate-limited queue that still count at :now.
--
-- Parameters:
--   :queue  the queue
--   :since  :now - the queue's rate_interval_ms; a start counts while it is after :since
-- Returns: one row (at) per start still counted, at most the limit's max (plus starts a process
--   with a clock ahead logged "in the future", which count too).
-- Guarantees: run inside the claim's BEGIN IMMEDIATE (src/claim.ts), so the count and the
--   claim's insert (rate-starts-add.sql) see the same log. Walks rate_starts_queue_at.
SELECT at FROM rate_starts WHERE queue = :queue AND at > :since
