-- listener-elsewhere: whether another storage instance wants a queue's events.
--
-- @param queue: string
-- @param since: number
-- @param listener: string
-- @returns { n: number }
-- Parameters: since in ms (older rows are stale); listener is this storage's own id.
-- Returns: one row when some live listener of the queue or of '*' is not the given one, none
--   otherwise.
-- Guarantees: a read of the small listeners table.
SELECT 1 AS n FROM {{schema}}.listeners
WHERE queue IN ($1, '*') AND seen_at >= $2 AND process_id <> $3
LIMIT 1
