-- state-counts: the jobs of a queue counted by state, queued split into ready and scheduled.
--
-- @param queue: string
-- @param now: number
-- @returns { state: JobJson['state']; n: number; ready: number }
-- @use JobJson from rows
-- Returns: ready is only meaningful for 'queued'.
-- Guarantees: jobs_queued and jobs_grouped for queued (two 'queued' rows, to be summed: since
--   0012 ungrouped and grouped jobs are in separate indexes), jobs_dequeued for the rest; one
--   snapshot.
SELECT 'queued' AS state, count(*)::integer AS n, count(*) FILTER (WHERE j.run_at <= $2)::integer AS ready
FROM {{schema}}.jobs j
WHERE j.queue = $1 AND j.state = 'queued' AND j.grp IS NULL
UNION ALL
SELECT 'queued' AS state, count(*)::integer AS n, count(*) FILTER (WHERE j.run_at <= $2)::integer AS ready
FROM {{schema}}.jobs j
WHERE j.queue = $1 AND j.state = 'queued' AND j.grp IS NOT NULL
UNION ALL
SELECT j.state, count(*)::integer AS n, 0 AS ready
FROM {{schema}}.jobs j
WHERE j.state IN ('running', 'completed', 'failed', 'cancelled') AND j.queue = $1
  AND (j.state = 'running' OR j.finished_at IS NOT NULL)
GROUP BY j.state
