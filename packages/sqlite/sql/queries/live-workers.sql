-- live-workers: the workers of a queue seen since :since.
--
-- Parameters: :queue  the queue; :since  now - workerStaleMs
-- Returns: full workers rows, oldest start first.
-- Guarantees: range scan on workers_queue_seen.
SELECT * FROM workers
WHERE queue = :queue AND last_seen_at >= :since
ORDER BY started_at, id
