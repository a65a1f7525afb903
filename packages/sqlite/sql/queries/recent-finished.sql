-- recent-finished: the most recently finished (completed or failed) jobs of a queue, with the
-- samples kept of pruned ones (job_samples).
--
-- @param queue: string
-- @param limit: number
-- @returns FinishedRow
-- @use FinishedRow from rows
-- Returns: the ETA fields of each (and seq), newest finish first.
-- Guarantees: each state is read backwards on jobs_dequeued (state, queue, finished_at) and cut
--   at :limit before merging, as is job_samples on its key, so the cost is O(:limit) however
--   many jobs finished. Jobs never
--   started are left out. CAST keeps the statement from being re-prepared at every binding (see
--   claim.sql).
SELECT * FROM (
  SELECT * FROM (
    SELECT name, state, priority, size, created_at, run_at, started_at, finished_at, seq FROM jobs
    WHERE state = 'completed' AND queue = :queue AND finished_at IS NOT NULL
      AND started_at IS NOT NULL
    ORDER BY finished_at DESC, seq DESC
    LIMIT CAST(:limit AS INTEGER)
  )
  UNION ALL
  SELECT * FROM (
    SELECT name, state, priority, size, created_at, run_at, started_at, finished_at, seq FROM jobs
    WHERE state = 'failed' AND queue = :queue AND finished_at IS NOT NULL
      AND started_at IS NOT NULL
    ORDER BY finished_at DESC, seq DESC
    LIMIT CAST(:limit AS INTEGER)
  )
  UNION ALL
  SELECT * FROM (
    SELECT name, state, priority, size, created_at, run_at, started_at, finished_at, seq FROM job_samples
    WHERE queue = :queue
    ORDER BY finished_at DESC, seq DESC
    LIMIT CAST(:limit AS INTEGER)
  )
)
ORDER BY finished_at DESC, seq DESC
LIMIT CAST(:limit AS INTEGER)
