-- group-has-queued: whether a group has any queued job (ready or scheduled) at a level.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @returns { more: 0 | 1 }
-- Parameters: :grp is the group ('' = ungrouped); :priority the level.
-- Returns: one row.
-- Guarantees: at most two index seeks (jobs_queued, jobs_grouped), index-only.
SELECT
  EXISTS (SELECT 1 FROM jobs
    WHERE :grp = '' AND queue = :queue AND state = 'queued' AND grp IS NULL AND priority = :priority)
  OR EXISTS (SELECT 1 FROM jobs
    WHERE queue = :queue AND state = 'queued' AND grp = :grp AND priority = :priority)
  AS more
