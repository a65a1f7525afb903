-- rate-starts-clear: forgets every logged start of a queue whose rate limit was removed.
--
-- @param queue: string
-- Returns: nothing.
-- Guarantees: run in the same BEGIN IMMEDIATE as the upsert-queue.sql that removed the limit
--   (src/registry.ts), so no claim sees the limit gone and the old starts still logged, and a
--   limit set again later counts only the starts made after it. Walks rate_starts_queue_at.
DELETE FROM rate_starts WHERE queue = :queue
