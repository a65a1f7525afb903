-- live-workers: the workers of a queue seen since :since.
--
-- @param queue: string
-- @param since: number
-- @returns WorkerRow
-- @use WorkerRow from rows
-- Parameters: :since is now - workerStaleMs.
-- Returns: full workers rows, oldest start first.
-- Guarantees: range scan on workers_queue_seen.
SELECT * FROM workers
WHERE queue = :queue AND last_seen_at >= :since
ORDER BY started_at, id
