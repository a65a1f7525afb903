-- live-workers: the workers of a queue seen since a time.
--
-- Parameters: $1 queue; $2 since (ms)
-- Returns: worker rows ordered by started_at, id.
-- Guarantees: a range scan of workers_queue_seen.
SELECT id, queue, host, pid, concurrency, started_at, last_seen_at FROM {{schema}}.workers
WHERE queue = $1 AND last_seen_at >= $2
ORDER BY started_at, id
