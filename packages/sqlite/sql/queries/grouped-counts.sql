-- grouped-counts: a grouped queue's queued grouped jobs, and how many of them are ready.
--
-- @param queue: string
-- @param now: number
-- @returns { n: number; ready: number }
-- Parameters: :now is the clock of the caller (ms).
-- Returns: one row: the queued grouped jobs (n) and how many of them are ready.
-- Guarantees: index-only on jobs_grouped; added to state-counts.sql's queued row for a grouped
--   queue (state-counts reads the ungrouped jobs only).
SELECT count(*) AS n, total(run_at <= :now) AS ready
FROM jobs
WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL
