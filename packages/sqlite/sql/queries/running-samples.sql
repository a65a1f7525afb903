-- running-samples: the running jobs of a queue, as the ETA sees them.
--
-- @param queue: string
-- @returns RunningRow
-- @use RunningRow from rows
-- Returns: each running job's ETA fields (progress_percent from the progress JSON, or NULL),
--   oldest start first.
-- Guarantees: reads jobs_dequeued ('running', queue): only the queue's running jobs.
SELECT id, name, size, started_at, json_extract(progress, '$.percent') AS progress_percent
FROM jobs
WHERE state = 'running' AND queue = :queue
ORDER BY started_at, seq
