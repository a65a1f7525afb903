-- group-queued-bounded: how many queued jobs (ready or scheduled, every level) one named group of
-- a queue holds, counting no further than :bound; for the queue's groupMaxWaiting.
--
-- @param queue: string
-- @param grp: string
-- @param bound: number
-- @returns { n: number }
-- Parameters: :grp is a named group (never ''); :bound how far to count.
-- Returns: one row, n = min(the group's queued jobs, :bound).
-- Guarantees: walks the group's levels on the group_turns primary key (queue, grp, priority) and
--   counts each on jobs_grouped (queue, priority, grp), index-only (CROSS JOIN keeps group_turns
--   outside); exact because a queued job of a named group always holds its group's stamp at its
--   level (0011_group_limits.sql). Costs one seek per level the group holds a stamp at plus at
--   most :bound entries. Run inside the enqueue's BEGIN IMMEDIATE, after the job's turn-join.
--   CAST: see claim.sql.
SELECT count(*) AS n
FROM (
  SELECT 1 FROM group_turns AS t CROSS JOIN jobs AS j
  WHERE t.queue = :queue AND t.grp = :grp
    AND j.queue = :queue AND j.state = 'queued' AND j.grp = :grp AND j.priority = t.priority
  LIMIT CAST(:bound AS INTEGER)
)
