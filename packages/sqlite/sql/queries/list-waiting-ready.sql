-- list-waiting-ready: a page of a queue's ungrouped jobs ready at :now, in claim order.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @param offset: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :now the reader's clock (ready means run_at <= :now); :offset the ready jobs to
--   skip from the front; :limit the page size.
-- Returns: full jobs rows by the ordering rule (priority DESC, run_at, seq).
-- Guarantees: the inner read walks jobs_queued (queue, priority DESC, run_at, seq) in index order
--   and stops after :offset + :limit ready entries; scheduled entries it passes on the way (the
--   higher levels' later jobs) are skipped by the run_at filter. Only the page's rows are read
--   in full. CAST keeps the statement from being re-prepared at every binding (see claim.sql).
SELECT * FROM jobs
WHERE seq IN (
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND run_at <= :now
  ORDER BY priority DESC, run_at, seq
  LIMIT CAST(:limit AS INTEGER) OFFSET CAST(:offset AS INTEGER)
)
ORDER BY priority DESC, run_at, seq
