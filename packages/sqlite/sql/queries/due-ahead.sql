-- due-ahead: the scheduled jobs of a queue at levels above a priority, in the order they come
-- due, for the ETA (issue 12: each is claimed before a waiting job of that priority once due).
--
-- @param queue: string
-- @param priority: number
-- @param now: number
-- @param limit: number
-- @returns { name: string; size: number | null; run_at: number }
-- Parameters: :priority is the waiting job's level (strictly higher levels are read); :now the
--   clock of the caller (ms; scheduled means run_at > :now); :limit how many (dueAheadLimit, > 0).
-- Returns: each scheduled job, by (run_at, seq), at most :limit; grouped and ungrouped alike.
-- Guarantees: the ungrouped jobs are read on jobs_queued and the grouped ones on jobs_grouped
--   (each side names its index's predicate, grp IS NULL / IS NOT NULL, so the partial index is
--   usable), both index-only range reads (queue=? AND priority>?): the same entries the position
--   count reads, the queued jobs at higher levels, ready ones skipped by the run_at filter. The
--   merge is a sort bounded by :limit (a LIMITed sorter keeps only the first :limit rows). CAST
--   keeps the statement from being re-prepared at every binding (see claim.sql).
SELECT name, size, run_at FROM (
  SELECT name, size, run_at, seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND priority > :priority AND run_at > :now
  UNION ALL
  SELECT name, size, run_at, seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL AND priority > :priority AND run_at > :now
)
ORDER BY run_at, seq
LIMIT CAST(:limit AS INTEGER)
