-- rate-starts-trim: deletes a queue's logged starts that no longer count.
--
-- @param queue: string
-- @param since: number
-- Parameters: :since is :now - the queue's rate_interval_ms; starts at or before it are deleted.
-- Returns: nothing.
-- Guarantees: run inside the claim's BEGIN IMMEDIATE; deletes only rows rate-starts.sql would
--   not count, so the log of a queue holds about its limit's max rows.
DELETE FROM rate_starts WHERE queue = :queue AND at <= :since
