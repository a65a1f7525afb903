-- recent-finished: the last completed or failed jobs of a queue, with the samples kept of pruned
-- ones (job_samples), newest finish first.
--
-- @param queue: string
-- @param limit: number
-- @returns FinishedRow
-- @use FinishedRow from rows
-- Returns: rows newest finish first.
-- Guarantees: two backward range scans of jobs_dequeued and one of job_samples' key, merged.
SELECT name, state, priority, size, created_at, run_at, started_at, finished_at FROM (
  (SELECT j.name, j.state, j.priority, j.size, j.created_at, j.run_at, j.started_at, j.finished_at, j.seq FROM {{schema}}.jobs j
   WHERE j.state = 'completed' AND j.queue = $1 AND j.finished_at IS NOT NULL AND j.started_at IS NOT NULL
   ORDER BY j.finished_at DESC, j.seq DESC LIMIT $2)
  UNION ALL
  (SELECT j.name, j.state, j.priority, j.size, j.created_at, j.run_at, j.started_at, j.finished_at, j.seq FROM {{schema}}.jobs j
   WHERE j.state = 'failed' AND j.queue = $1 AND j.finished_at IS NOT NULL AND j.started_at IS NOT NULL
   ORDER BY j.finished_at DESC, j.seq DESC LIMIT $2)
  UNION ALL
  (SELECT s.name, s.state, s.priority, s.size, s.created_at, s.run_at, s.started_at, s.finished_at, s.seq FROM {{schema}}.job_samples s
   WHERE s.queue = $1
   ORDER BY s.finished_at DESC, s.seq DESC LIMIT $2)
) f
ORDER BY finished_at DESC, seq DESC
LIMIT $2
