-- listener-upsert: registers (or refreshes) this process as a cross-process listener of a queue.
--
-- Parameters: :processId  this process; :queue  the queue; :now  wall clock (ms)
-- Returns: nothing.
-- Guarantees: one row per (process, queue); seen_at moves to :now.
INSERT INTO listeners (process_id, queue, seen_at) VALUES (:processId, :queue, :now)
ON CONFLICT (process_id, queue) DO UPDATE SET seen_at = excluded.seen_at
