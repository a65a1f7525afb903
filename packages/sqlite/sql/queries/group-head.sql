-- group-head: the first queued job (ready or not) of one group at one level, by run_at then seq.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @returns { seq: number; run_at: number }
-- Parameters: :grp is the group ('' = the ungrouped jobs); :priority the level.
-- Returns: the head, or no row when the group has no queued job there.
-- Guarantees: one index seek, LIMIT 1, index-only: jobs_queued for the default group (grp IS
--   NULL), jobs_grouped (queue, priority, grp) for a named one. The branch for the other kind
--   finds nothing ('' never names a stored group).
SELECT seq, run_at FROM (
  SELECT seq, run_at FROM jobs
  WHERE :grp = '' AND queue = :queue AND state = 'queued' AND grp IS NULL AND priority = :priority
  ORDER BY run_at, seq
  LIMIT 1
)
UNION ALL
SELECT seq, run_at FROM (
  SELECT seq, run_at FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp = :grp AND priority = :priority
  ORDER BY run_at, seq
  LIMIT 1
)
