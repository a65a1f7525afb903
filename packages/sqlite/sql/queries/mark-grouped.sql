-- mark-grouped: sets a queue's `grouped` flag at its first grouped job, and stamps the default
-- group ('', the ungrouped jobs) at every level where ungrouped jobs are queued.
--
-- Parameters: :queue  the queue (its row exists: the caller read or created it)
-- Returns: nothing; changes = 1 when the flag was set now, 0 when it was already set.
-- Guarantees: the flag is never cleared. Run inside the write transaction that writes the
--   grouped job, before its turn-join, so the default group's stamps (0) are below every stamp a
--   group joining later gets (turn-join gives max + 1 >= 1). stamp-default-group.sql does the
--   stamping; this statement only flips the flag.
UPDATE queues SET grouped = 1 WHERE name = :queue AND grouped = 0
