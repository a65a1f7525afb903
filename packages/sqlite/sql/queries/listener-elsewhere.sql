-- listener-elsewhere: whether a live process other than this one listens to a queue.
--
-- Parameters: :processId  this process; :queue  the queue; :since  oldest seen_at still live
-- Returns: one row (n = 1) when there is such a listener, else no row.
-- Guarantees: reads listeners_queue_seen only.
SELECT 1 AS n FROM listeners
WHERE queue = :queue AND seen_at >= :since AND process_id <> :processId
LIMIT 1
