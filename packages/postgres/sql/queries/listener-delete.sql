-- listener-delete: stops a listener's interest in the queues not given.
--
-- Parameters: $1 listener id; $2 queues still listened to (text[]); $3 stale before (ms)
-- Returns: nothing.
-- Guarantees: also prunes every listener silent since $3 (the caller passes now - 60 s).
DELETE FROM {{schema}}.listeners
WHERE (process_id = $1 AND NOT (queue = ANY ($2::text[]))) OR seen_at < $3
