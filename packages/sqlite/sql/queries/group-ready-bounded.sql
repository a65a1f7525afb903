-- group-ready-bounded: a group's ready jobs at a level, counting no further than :bound.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @param now: number
-- @param bound: number
-- @returns { n: number }
-- Parameters: :grp is the group ('' = ungrouped); :priority the level; :now the caller's clock;
--   :bound the most to count.
-- Returns: one row, n = min(ready jobs of the group at the level, :bound).
-- Guarantees: one index seek and at most :bound entries read (jobs_queued or jobs_grouped,
--   index-only): a position costs O(groups) seeks, never O(jobs). CAST: see claim.sql.
SELECT
  (SELECT count(*) FROM (SELECT 1 FROM jobs
   WHERE :grp = '' AND queue = :queue AND state = 'queued' AND grp IS NULL AND priority = :priority
     AND run_at <= :now
   LIMIT CAST(:bound AS INTEGER)))
  + (SELECT count(*) FROM (SELECT 1 FROM jobs
   WHERE queue = :queue AND state = 'queued' AND grp = :grp AND priority = :priority AND run_at <= :now
   LIMIT CAST(:bound AS INTEGER)))
  AS n
