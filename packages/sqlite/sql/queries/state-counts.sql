-- state-counts: how many jobs of a queue are in each state, with queued split by readiness.
-- Ungrouped jobs only (grp IS NULL, the jobs_queued index): for a queue that is not grouped that is
--   every queued job; a grouped queue's grouped jobs are read by the *-grouped statements.
--
-- @param queue: string
-- @param now: number
-- @returns { state: JobState; n: number; ready: number }
-- @use JobState from rows
-- Parameters: :now is the clock of the caller (ms).
-- Returns: one row for `queued` (always, with ready = queued jobs with run_at <= :now) and one
--   per other state present (ready = 0).
-- Guarantees: index-only: the queued jobs on jobs_queued (run_at is in it), every other state on
--   jobs_dequeued (state, queue). The two indexes hold every job exactly once (see
--   0001_init.sql), so the counts sum to the queue's jobs. One statement: one snapshot.
SELECT 'queued' AS state, count(*) AS n, total(run_at <= :now) AS ready
FROM jobs
WHERE queue = :queue AND state = 'queued' AND grp IS NULL
UNION ALL
SELECT state, count(*) AS n, 0 AS ready
FROM jobs
WHERE state IN ('running', 'completed', 'failed', 'cancelled') AND queue = :queue
  AND (state = 'running' OR finished_at IS NOT NULL)
GROUP BY state
