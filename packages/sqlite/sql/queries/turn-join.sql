-- turn-join: a group whose job just became queued at a level joins that level's rotation at the
-- back, unless it already holds a stamp there; only in a grouped queue.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- Parameters: the job's :queue, its :grp ('' for an ungrouped job) and its level :priority.
-- Returns: nothing; changes = 1 when a stamp was created.
-- Guarantees: the new stamp is one above every stamp at the level (primary-key and
--   group_turns_order lookups), so a newcomer goes after every group already waiting; an
--   existing stamp is kept. Writes nothing when the queue is not grouped (or has no row), so
--   the transitions that requeue a job (retry, release, reclaim, changePriority, import) may run
--   it without reading the flag first. Run in the transaction that made the job queued.
INSERT INTO group_turns (queue, grp, priority, turn)
SELECT :queue, :grp, :priority, next.turn
FROM (
  SELECT coalesce(max(turn), 0) + 1 AS turn FROM group_turns WHERE queue = :queue AND priority = :priority
) AS next
WHERE EXISTS (SELECT 1 FROM queues WHERE name = :queue AND grouped = 1)
ON CONFLICT DO NOTHING
