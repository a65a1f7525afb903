-- stamp-default-group: gives the default group ('', the ungrouped jobs) the stamp 0 at every
-- priority level where ungrouped jobs of the queue are queued (ready or scheduled).
--
-- @param queue: string
-- Parameters: :queue just became grouped (mark-grouped.sql changed its row).
-- Returns: nothing.
-- Guarantees: run once per queue, when it becomes grouped, in the same transaction: an
--   index-only read of the queue's ungrouped queued jobs on jobs_queued. 0 is below every stamp
--   turn-join.sql gives, so the jobs that already waited go first in each level's rotation.
INSERT INTO group_turns (queue, grp, priority, turn)
SELECT :queue, '', priority, 0 FROM jobs
WHERE queue = :queue AND state = 'queued' AND grp IS NULL
GROUP BY priority
ON CONFLICT DO NOTHING
