-- listener-upsert: registers (or refreshes) this process as a cross-process listener of a queue.
--
-- @param processId: string
-- @param queue: string
-- @param now: number
-- Parameters: :processId is this process; :now the wall clock (ms).
-- Returns: nothing.
-- Guarantees: one row per (process, queue); seen_at moves to :now.
INSERT INTO listeners (process_id, queue, seen_at) VALUES (:processId, :queue, :now)
ON CONFLICT (process_id, queue) DO UPDATE SET seen_at = excluded.seen_at
