-- higher-ready: how many ready jobs of a grouped queue wait at levels above a priority.
--
-- @param queue: string
-- @param priority: number
-- @param now: number
-- @returns { n: number }
-- Parameters: :priority is the level; :now the clock of the caller (ms).
-- Returns: one row.
-- Guarantees: two index-only range counts, one on jobs_queued (ungrouped) and one on
--   jobs_grouped (grouped), each reading only the entries at higher levels.
SELECT
  (SELECT count(*) FROM jobs
   WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND priority > :priority AND run_at <= :now)
  + (SELECT count(*) FROM jobs
   WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL AND priority > :priority AND run_at <= :now)
  AS n
