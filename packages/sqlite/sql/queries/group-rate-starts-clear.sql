-- group-rate-starts-clear: forgets every group's logged starts of a queue whose group rate limit
-- was removed.
--
-- @param queue: string
-- Returns: nothing.
-- Guarantees: run in the same BEGIN IMMEDIATE as the upsert-queue.sql that removed the limit
--   (src/control.ts), so no claim sees the limit gone and the old starts still logged, and a
--   limit set again later counts only the starts made after it. Walks the queue's prefix of
--   group_rate_starts_queue_grp_at.
DELETE FROM group_rate_starts WHERE queue = :queue
