-- higher-ahead-jobs: the first ready jobs of a grouped queue at levels above a priority, by the
-- plain ordering rule (priority DESC, run_at, seq).
--
-- @param queue: string
-- @param priority: number
-- @param now: number
-- @param limit: number
-- @returns { name: string; size: number | null }
-- Parameters: :priority is the level; :now the clock of the caller; :limit how many.
-- Returns: each job, by the ordering rule.
-- Guarantees: both sets (jobs_queued, jobs_grouped) are read index-only, the ungrouped ones
--   LIMITed in index order; the grouped ones are sorted, so this costs the grouped ready jobs at
--   higher levels. Only read for the work ahead of a job (at most aheadWorkLimit, aheadListLimit).
SELECT name, size FROM (
  SELECT name, size, priority, run_at, seq FROM (
    SELECT name, size, priority, run_at, seq FROM jobs
    WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND priority > :priority AND run_at <= :now
    ORDER BY priority DESC, run_at, seq
    LIMIT CAST(:limit AS INTEGER)
  )
  UNION ALL
  SELECT name, size, priority, run_at, seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL AND priority > :priority AND run_at <= :now
)
ORDER BY priority DESC, run_at, seq
LIMIT CAST(:limit AS INTEGER)
