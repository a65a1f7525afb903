-- prune-finished: deletes one batch of a queue's jobs in one finished state, oldest first.
--
-- @param queue: string
-- @param state: 'completed' | 'failed' | 'cancelled'
-- @param olderThan: number | null
-- @param keep: number | null
-- @param limit: number
-- @returns DeletedRow
-- @use DeletedRow from rows
-- Parameters:
--   :state       a final state
--   :olderThan   ms, or NULL: only jobs finished before it
--   :keep        how many of the newest selected jobs (by finished_at, then seq) to skip, or NULL
--   :limit       most rows to delete
-- Returns: the deleted rows' ETA fields, for the caller to keep as samples in the same
--   transaction.
-- Guarantees: only rows of :state, which is never 'queued' or 'running'. The selection and the
--   :keep boundary (the :keep-th newest row, compared as a row value, so ties of finished_at are
--   broken by seq) are ranges on jobs_dequeued (state, queue, finished_at). At most :limit rows per
--   statement keeps the write lock short. CAST keeps the statement from being re-prepared at every
--   binding (see claim.sql).
DELETE FROM jobs WHERE seq IN (
  SELECT seq FROM jobs
  WHERE state = :state AND state IN ('completed', 'failed', 'cancelled') AND queue = :queue
    AND finished_at IS NOT NULL AND (:olderThan IS NULL OR finished_at < :olderThan)
    AND (:keep IS NULL OR :keep <= 0 OR (finished_at, seq) < (
      SELECT finished_at, seq FROM jobs
      WHERE state = :state AND queue = :queue AND finished_at IS NOT NULL
        AND (:olderThan IS NULL OR finished_at < :olderThan)
      ORDER BY finished_at DESC, seq DESC
      LIMIT 1 OFFSET CAST(:keep AS INTEGER) - 1))
  ORDER BY finished_at, seq
  LIMIT CAST(:limit AS INTEGER)
)
RETURNING name, state, priority, size, created_at, run_at, started_at, finished_at, seq
