-- ahead-work: the work waiting ahead of a ready job, grouped by job name, for the ETA.
-- Ungrouped jobs only (grp IS NULL, the jobs_queued index): for a queue that is not grouped that is
--   every queued job; the grouped jobs of a grouped queue are read by the *-grouped statements.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @returns { name: string; count: number; sized_count: number; size_sum: number }
-- Parameters: :queue is the queue of the job; :now the clock of the caller (ms); :limit how many jobs to
--   group: min(ahead, aheadWorkLimit), so the first jobs ahead of the job and never the job itself
-- Returns: one row per name, by name; sized_count counts the jobs with a size; the counts sum to
--   :limit (fewer only if fewer ready jobs exist).
-- Guarantees: groups the first :limit ready jobs in claim order (the same ORDER BY and index as
--   claim.sql and ahead-jobs.sql): an index-only range read of jobs_queued that stops after :limit
--   entries, so its cost is bounded by :limit, not by how many jobs wait ahead. CAST keeps the
--   statement from being re-prepared at every binding (see claim.sql).
SELECT name, count(*) AS count, count(size) AS sized_count, total(size) AS size_sum
FROM (
  SELECT name, size FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND run_at <= :now
  ORDER BY priority DESC, run_at, seq
  LIMIT CAST(:limit AS INTEGER)
)
GROUP BY name
ORDER BY name
