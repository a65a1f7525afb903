-- list-jobs-asc: one page of a queue's jobs in the given states, oldest seq first.
--
-- @param queue: string
-- @param states: string
-- @param limit: number
-- @param offset: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :states is a JSON array of states; :limit the page size + 1 (the extra row tells
--   whether another page follows); :offset the rows to skip
-- Returns: full jobs rows.
-- Guarantees: a stable order (seq is unique), so consecutive pages neither repeat nor skip a job
--   that did not change meanwhile. The queue's jobs are found on the two indexes that together
--   hold every job once (see 0001_init.sql): queued ones on jobs_queued, the others on
--   jobs_dequeued (state, queue); their seqs are then read in order by rowid. CAST keeps the
--   statement from being re-prepared at every binding (see claim.sql).
SELECT * FROM jobs
WHERE seq IN (
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND 'queued' IN (SELECT value FROM json_each(:states))
  UNION ALL
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL AND 'queued' IN (SELECT value FROM json_each(:states))
  UNION ALL
  SELECT seq FROM jobs
  WHERE state IN (SELECT value FROM json_each(:states)) AND queue = :queue
    AND (state = 'running' OR finished_at IS NOT NULL)
)
ORDER BY seq ASC
LIMIT CAST(:limit AS INTEGER) OFFSET :offset
