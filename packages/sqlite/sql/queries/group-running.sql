-- group-running: how many running jobs one named group of a queue holds, at every level, counting
-- no further than :bound.
--
-- @param queue: string
-- @param grp: string
-- @param bound: number
-- @returns { n: number }
-- Parameters: :grp is a named group (never ''); :bound the groupConcurrency of the queue in a claim, or
--   -1 for the exact count (LIMIT -1 is no limit).
-- Returns: one row, n = min(running jobs of the group, :bound).
-- Guarantees: index-only on jobs_group_running (queue, grp), so the cap check of a claim reads at most
--   groupConcurrency entries however many jobs the queue runs. Run inside the claim's BEGIN
--   IMMEDIATE (no other process can start a job of the group before the lease) or the position
--   read's transaction (the same snapshot as the position). CAST: see claim.sql.
SELECT count(*) AS n
FROM (SELECT 1 FROM jobs WHERE queue = :queue AND state = 'running' AND grp = :grp LIMIT CAST(:bound AS INTEGER))
