-- group-rank: how many queued jobs of the group and level of a job sort before it (run_at, seq).
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @param runAt: number
-- @param seq: number
-- @returns { n: number }
-- Parameters: :queue, :grp ('' = ungrouped), :priority, :runAt and :seq of the job.
-- Returns: one row; n is the rank of the job when it is ready (every job before it is ready too).
-- Guarantees: index-only range count on jobs_queued (default group) or jobs_grouped (named).
SELECT
  (SELECT count(*) FROM jobs
   WHERE :grp = '' AND queue = :queue AND state = 'queued' AND grp IS NULL AND priority = :priority
     AND (run_at, seq) < (:runAt, :seq))
  + (SELECT count(*) FROM jobs
   WHERE queue = :queue AND state = 'queued' AND grp = :grp AND priority = :priority
     AND (run_at, seq) < (:runAt, :seq))
  AS n
