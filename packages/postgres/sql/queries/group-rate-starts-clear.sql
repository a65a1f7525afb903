-- group-rate-starts-clear: forgets every group's logged starts of a queue whose group rate limit
-- was removed (since 0015).
--
-- @param queue: string
-- Guarantees: run in the transaction of the upsert-queue.sql that removed the limit
--   (src/control.ts), as its own statement after it: the upsert waited on the queue row's lock
--   for any grouped claim that was logging starts, and this statement's snapshot sees what that
--   claim committed; a later claim locks the row and reads no limit, so it logs nothing. A limit
--   set again later counts only the starts made after it. Walks group_rate_starts_queue_at.
DELETE FROM {{schema}}.group_rate_starts WHERE queue = $1
