-- higher-ahead-jobs: the first ready jobs of a grouped queue at levels above a priority, by the
-- plain ordering rule (priority DESC, run_at, seq).
--
-- Parameters: :queue  the queue; :priority  the level; :now  the caller's clock; :limit  how many
-- Returns: `name`, `size` of each.
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
