-- running-samples: a queue's running jobs as the ETA sees them.
--
-- @param queue: string
-- @returns RunningRow
-- @use RunningRow from rows
-- Returns: rows by started_at, seq.
-- Guarantees: reads jobs_dequeued's running entries of the queue.
SELECT j.id, j.name, j.size, j.started_at, (j.progress ->> 'percent')::float8 AS progress_percent
FROM {{schema}}.jobs j
WHERE j.state = 'running' AND j.queue = $1
ORDER BY j.started_at, j.seq
