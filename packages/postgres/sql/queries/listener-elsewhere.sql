-- listener-elsewhere: whether another storage instance wants a queue's events.
--
-- Parameters: $1 queue; $2 since (ms; older rows are stale); $3 own listener id
-- Returns: one row when some live listener of the queue or of '*' is not $3, none otherwise.
-- Guarantees: a read of the small listeners table.
SELECT 1 AS n FROM {{schema}}.listeners
WHERE queue IN ($1, '*') AND seen_at >= $2 AND process_id <> $3
LIMIT 1
