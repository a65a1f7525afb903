-- group-ready-above: a named group's ready jobs at the levels above one, counting no further
-- than :bound; for the ETA's group bounds (they are claimed before the group's job at :priority).
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @param now: number
-- @param bound: number
-- @returns { n: number }
-- Parameters: :grp is a named group (never ''); :priority the job's level; :now the caller's
--   clock; :bound how far to count.
-- Returns: one row, n = min(the group's ready jobs at levels above :priority, :bound).
-- Guarantees: walks the group's levels above :priority on the group_turns primary key (queue,
--   grp, priority) and counts each on jobs_grouped (queue, priority, grp, run_at), index-only
--   (CROSS JOIN keeps group_turns outside); exact because a queued job of a named group always
--   holds its group's stamp at its level (0011_group_limits.sql). Costs one seek per such level
--   plus at most :bound entries. CAST: see claim.sql.
SELECT count(*) AS n
FROM (
  SELECT 1 FROM group_turns AS t CROSS JOIN jobs AS j
  WHERE t.queue = :queue AND t.grp = :grp AND t.priority > :priority
    AND j.queue = :queue AND j.state = 'queued' AND j.grp = :grp AND j.priority = t.priority AND j.run_at <= :now
  LIMIT CAST(:bound AS INTEGER)
)
