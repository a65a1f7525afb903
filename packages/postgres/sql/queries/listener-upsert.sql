-- listener-upsert: says a storage wants a queue's events from other processes.
--
-- @param listener: string
-- @param queues: readonly string[]
-- @param now: number
-- Parameters: listener is the storage instance's id.
-- Guarantees: one row per (listener, queue), seen_at refreshed.
INSERT INTO {{schema}}.listeners AS l (process_id, queue, seen_at)
SELECT $1, q, $3 FROM unnest($2::text[]) AS q
ON CONFLICT (process_id, queue) DO UPDATE SET seen_at = excluded.seen_at
