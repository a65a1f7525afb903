-- list-waiting-scheduled: a page of a queue's ungrouped jobs scheduled after :now, in the order
-- they come due and are claimed.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @param offset: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :now the reader's clock (scheduled means run_at > :now); :offset the scheduled jobs
--   to skip from the front; :limit the page size.
-- Returns: full jobs rows by (run_at, priority DESC, seq).
-- Guarantees: the inner read is index-only on jobs_queued; its order is not the index's, so it
--   sorts the queue's scheduled entries, keeping only the first :offset + :limit (a LIMITed
--   sorter). Only the page's rows are read in full. CAST as in claim.sql.
SELECT * FROM jobs
WHERE seq IN (
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND run_at > :now
  ORDER BY run_at, priority DESC, seq
  LIMIT CAST(:limit AS INTEGER) OFFSET CAST(:offset AS INTEGER)
)
ORDER BY run_at, priority DESC, seq
