-- ahead-jobs: the first ready jobs of a queue in claim order, for an exact ETA simulation.
-- Ungrouped jobs only (grp IS NULL, the jobs_queued index): for a queue that is not grouped that is
--   every queued job; the grouped jobs of a grouped queue are read by the *-grouped statements.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @returns { name: string; size: number | null }
-- Parameters: :now is the clock of the caller (ms); :limit is how many (the `ahead` count of the job, so
--   exactly the jobs ahead of it).
-- Returns: each job in the order claim would lease them.
-- Guarantees: the same ORDER BY and index as claim.sql (jobs_queued); index-only. CAST keeps the
--   statement from being re-prepared at every binding (see claim.sql).
SELECT name, size FROM jobs
WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND run_at <= :now
ORDER BY priority DESC, run_at, seq
LIMIT CAST(:limit AS INTEGER)
