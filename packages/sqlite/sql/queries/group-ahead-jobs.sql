-- group-ahead-jobs: the first ready jobs of one group at one level, in the group's order.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @param now: number
-- @param limit: number
-- @returns { name: string; size: number | null }
-- Parameters: :grp is the group ('' = ungrouped); :priority the level; :now the caller's clock;
--   :limit how many.
-- Returns: each job, by run_at then seq.
-- Guarantees: a LIMITed walk of jobs_queued (default group) or jobs_grouped (named), index-only,
--   reading at most :limit entries. CAST: see claim.sql.
SELECT name, size FROM (
  SELECT name, size, run_at, seq FROM jobs
  WHERE :grp = '' AND queue = :queue AND state = 'queued' AND grp IS NULL AND priority = :priority
    AND run_at <= :now
  ORDER BY run_at, seq
  LIMIT CAST(:limit AS INTEGER)
)
UNION ALL
SELECT name, size FROM (
  SELECT name, size, run_at, seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp = :grp AND priority = :priority AND run_at <= :now
  ORDER BY run_at, seq
  LIMIT CAST(:limit AS INTEGER)
)
