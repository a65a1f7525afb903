-- recent-finished: the last completed or failed jobs of a queue, newest finish first.
--
-- Parameters: $1 queue; $2 limit
-- Returns: (name, state, size, run_at, started_at, finished_at) rows.
-- Guarantees: two backward range scans of jobs_dequeued, merged.
SELECT name, state, priority, size, created_at, run_at, started_at, finished_at FROM (
  (SELECT j.name, j.state, j.priority, j.size, j.created_at, j.run_at, j.started_at, j.finished_at, j.seq FROM {{schema}}.jobs j
   WHERE j.state = 'completed' AND j.queue = $1 AND j.finished_at IS NOT NULL AND j.started_at IS NOT NULL
   ORDER BY j.finished_at DESC, j.seq DESC LIMIT $2)
  UNION ALL
  (SELECT j.name, j.state, j.priority, j.size, j.created_at, j.run_at, j.started_at, j.finished_at, j.seq FROM {{schema}}.jobs j
   WHERE j.state = 'failed' AND j.queue = $1 AND j.finished_at IS NOT NULL AND j.started_at IS NOT NULL
   ORDER BY j.finished_at DESC, j.seq DESC LIMIT $2)
) f
ORDER BY finished_at DESC, seq DESC
LIMIT $2
