-- notices-since: the notices other processes journaled after a given id, oldest first.
--
-- Parameters: :afterId  the last id already read; :processId  this process (its own are skipped);
--   :limit  most rows
-- Returns: id, queue and body (the notice as JSON) of each.
-- Guarantees: a rowid range read; ids only grow, so reading from the last id seen misses nothing.
SELECT id, queue, body FROM notices
WHERE id > :afterId AND process_id <> :processId
ORDER BY id
LIMIT CAST(:limit AS INTEGER)
