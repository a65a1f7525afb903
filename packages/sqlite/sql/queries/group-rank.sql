-- group-rank: how many queued jobs of a job's group at its level sort before it (run_at, seq).
--
-- Parameters: :queue :grp ('' = ungrouped) :priority  the job's; :runAt :seq  the job's
-- Returns: one column `n` (the job's rank when it is ready: every job before it is ready too).
-- Guarantees: index-only range count on jobs_queued (default group) or jobs_grouped (named).
SELECT
  (SELECT count(*) FROM jobs
   WHERE :grp = '' AND queue = :queue AND state = 'queued' AND grp IS NULL AND priority = :priority
     AND (run_at, seq) < (:runAt, :seq))
  + (SELECT count(*) FROM jobs
   WHERE queue = :queue AND state = 'queued' AND grp = :grp AND priority = :priority
     AND (run_at, seq) < (:runAt, :seq))
  AS n
