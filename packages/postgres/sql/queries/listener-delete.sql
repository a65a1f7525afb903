-- listener-delete: stops a listener's interest in the queues not given.
--
-- @param listener: string
-- @param queues: readonly string[]
-- @param staleBefore: number
-- Parameters: queues are those still listened to; staleBefore in ms.
-- Guarantees: also prunes every listener silent since $3 (the caller passes now - 60 s).
DELETE FROM {{schema}}.listeners
WHERE (process_id = $1 AND NOT (queue = ANY ($2::text[]))) OR seen_at < $3
