-- list-jobs-asc: one page of a queue's jobs in the given states, oldest seq first.
--
-- Parameters: :queue  the queue; :states  JSON array of states; :limit  page size + 1 (the extra
--   row tells whether another page follows); :offset  rows to skip
-- Returns: full jobs rows.
-- Guarantees: a stable order (seq is unique), so consecutive pages neither repeat nor skip a job
--   that did not change meanwhile.
SELECT * FROM jobs
WHERE queue = :queue AND state IN (SELECT value FROM json_each(:states))
ORDER BY seq ASC
LIMIT :limit OFFSET :offset
