-- list-jobs-keyset-asc: one page of a queue's jobs in the given states whose seq is after :afterSeq,
-- by seq ASC (keyset paging: what an export walks a long queue with).
--
-- @param queue: string
-- @param states: string
-- @param afterSeq: number
-- @param limit: number
-- @param offset: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :states is a JSON array of states; :afterSeq the last seq seen; :limit the page
--   size + 1 (the extra row tells whether another page follows); :offset the rows to skip
-- Returns: full jobs rows.
-- Guarantees: a range scan of the rowid (seq) from :afterSeq, keeping the queue's rows in the
--   states: a page costs its own rows plus the other queues' rows between them, not the rows
--   before :afterSeq, so walking a queue of n jobs costs O(n) in all, not O(n^2) as offsets do.
SELECT * FROM jobs
WHERE seq > :afterSeq AND queue = :queue AND state IN (SELECT value FROM json_each(:states))
ORDER BY seq ASC
LIMIT CAST(:limit AS INTEGER) OFFSET :offset
