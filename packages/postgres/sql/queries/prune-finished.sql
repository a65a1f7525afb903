-- prune-finished: deletes one batch of the jobs of a queue in one finished state, oldest first, and
-- keeps the ETA samples of the deleted completed and failed jobs.
--
-- @param queue: string
-- @param state: 'completed' | 'failed' | 'cancelled'
-- @param olderThan: number | null
-- @param keepNewest: number | null
-- @param limit: number
-- @param sampleLimit: number
-- @returns { n: number; kept: number }
-- Parameters: olderThan in ms or NULL (any age); keepNewest is how many of the newest selected
--   jobs to skip, or NULL; limit the most rows to delete; sampleLimit how many samples the store
--   keeps.
-- Returns: one row: n jobs deleted, kept samples inserted.
-- Guarantees: only rows of $2, never queued or running ones. The :keep boundary is the $4-th
--   newest selected row, compared as a row value (ties of finished_at broken by seq); the
--   selection is a range on jobs_dequeued. At most $5 rows per statement, rows locked by others
--   skipped this round. Of the deleted rows the newest $6 samples are inserted in the same
--   statement; trim-samples.sql then cuts the store to $6 in the same transaction.
WITH d AS (
  DELETE FROM {{schema}}.jobs j WHERE j.id IN (
    SELECT e.id FROM {{schema}}.jobs e
    WHERE e.state = $2 AND e.state IN ('completed', 'failed', 'cancelled') AND e.queue = $1
      AND e.finished_at IS NOT NULL AND ($3::bigint IS NULL OR e.finished_at < $3)
      AND ($4::integer IS NULL OR $4 <= 0 OR (e.finished_at, e.seq) < (
        SELECT b.finished_at, b.seq FROM {{schema}}.jobs b
        WHERE b.state = $2 AND b.queue = $1 AND b.finished_at IS NOT NULL
          AND ($3::bigint IS NULL OR b.finished_at < $3)
        ORDER BY b.finished_at DESC, b.seq DESC
        OFFSET $4 - 1 LIMIT 1))
    ORDER BY e.finished_at, e.seq
    LIMIT $5
    FOR UPDATE SKIP LOCKED
  )
  RETURNING j.name, j.state, j.priority, j.size, j.created_at, j.run_at, j.started_at, j.finished_at, j.seq
), kept AS (
  INSERT INTO {{schema}}.job_samples (queue, finished_at, seq, name, state, priority, size, created_at, run_at, started_at)
  SELECT $1, d.finished_at, d.seq, d.name, d.state, d.priority, d.size, d.created_at, d.run_at, d.started_at FROM d
  WHERE d.state IN ('completed', 'failed') AND d.started_at IS NOT NULL
  ORDER BY d.finished_at DESC, d.seq DESC
  LIMIT $6
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM d)::integer AS n, (SELECT count(*) FROM kept)::integer AS kept
