-- live-workers: the workers of a queue seen since a time.
--
-- @param queue: string
-- @param since: number
-- @returns WorkerRow
-- @use WorkerRow from rows
-- Parameters: since in ms.
-- Returns: rows ordered by started_at, id.
-- Guarantees: a range scan of workers_queue_seen.
SELECT id, queue, host, pid, concurrency, started_at, last_seen_at FROM {{schema}}.workers
WHERE queue = $1 AND last_seen_at >= $2
ORDER BY started_at, id
