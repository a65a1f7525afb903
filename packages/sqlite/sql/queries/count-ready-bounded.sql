-- count-ready-bounded: how many of a queue's ungrouped jobs are ready at :now, counting at most
-- :bound of them.
--
-- @param queue: string
-- @param now: number
-- @param bound: number
-- @returns { n: number }
-- Parameters: :now the reader's clock; :bound where to stop counting.
-- Returns: one row, n = min(ready ungrouped jobs, :bound).
-- Guarantees: index-only on jobs_queued and bounded: O(:bound + the scheduled entries passed).
--   CAST as in claim.sql.
SELECT count(*) AS n
FROM (
  SELECT 1 FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND run_at <= :now
  LIMIT CAST(:bound AS INTEGER)
)
