-- listener-elsewhere: whether a live process other than this one listens to a queue.
--
-- @param processId: string
-- @param queue: string
-- @param since: number
-- @returns { n: 1 }
-- Parameters: :processId is this process; :since the oldest seen_at still live.
-- Returns: one row when there is such a listener, else no row.
-- Guarantees: reads listeners_queue_seen only.
SELECT 1 AS n FROM listeners
WHERE queue = :queue AND seen_at >= :since AND process_id <> :processId
LIMIT 1
