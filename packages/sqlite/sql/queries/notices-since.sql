-- notices-since: the notices other processes journaled after a given id, oldest first.
--
-- @param afterId: number
-- @param processId: string
-- @param limit: number
-- @returns { id: number; queue: string; body: string }
-- Parameters: :afterId is the last id already read; :processId this process (its own are skipped);
--   :limit the most rows.
-- Returns: each notice (body is the notice as JSON), oldest first.
-- Guarantees: a rowid range read; ids only grow, so reading from the last id seen misses nothing.
SELECT id, queue, body FROM notices
WHERE id > :afterId AND process_id <> :processId
ORDER BY id
LIMIT CAST(:limit AS INTEGER)
