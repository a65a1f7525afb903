-- rate-starts-clear: forgets every logged start of a queue whose rate limit was removed.
--
-- @param queue: string
-- Guarantees: run in the transaction of the upsert-queue.sql that removed the limit
--   (src/control.ts), as its own statement after it: the upsert waited on the queue row's lock
--   for any claim that was logging starts, and this statement's snapshot sees what that claim
--   committed; a later claim locks the row and reads no limit, so it logs nothing. A limit set
--   again later counts only the starts made after it. Walks rate_starts_queue_at.
DELETE FROM {{schema}}.rate_starts WHERE queue = $1
