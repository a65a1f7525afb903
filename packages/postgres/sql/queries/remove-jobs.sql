-- remove-jobs: deletes one chunk of the jobs of a queue in the given states (never running), keeping
-- the ETA samples of the deleted completed and failed jobs when asked.
--
-- @param queue: string
-- @param states: readonly string[]
-- @param olderThan: number | null
-- @param chunk: number
-- @param sampleLimit: number | null
-- @returns { n: number; kept: number }
-- Parameters: olderThan in ms or NULL; sampleLimit is how many samples the store keeps, or NULL
--   to keep none.
-- Returns: one row: n jobs deleted, kept samples inserted.
-- Guarantees: queued jobs are chosen by created_at, final ones by finished_at; at most $4 rows,
--   so each statement holds its locks briefly. Rows locked by others (a cancel, a priority change
--   in flight) are waited for, not skipped: a skipped row would outlive the clear() or clean()
--   that selected it, which other storages never leave (the writers it may wait for, cancel,
--   retry, change-priority and promote, are one-row statements; claims and reclaims skip locked
--   rows, so none waits back). A row that left the selection meanwhile (claimed) is passed over.
--   The caller trims the sample store (trim-samples.sql) in the same transaction.
WITH d AS (
  DELETE FROM {{schema}}.jobs j WHERE j.id IN (
    SELECT e.id FROM {{schema}}.jobs e
    WHERE e.queue = $1 AND e.state = ANY ($2::text[]) AND e.state <> 'running'
      AND ($3::bigint IS NULL OR coalesce(e.finished_at, e.created_at) < $3)
    LIMIT $4
    FOR UPDATE
  )
  RETURNING j.name, j.state, j.priority, j.size, j.created_at, j.run_at, j.started_at, j.finished_at, j.seq
), kept AS (
  INSERT INTO {{schema}}.job_samples (queue, finished_at, seq, name, state, priority, size, created_at, run_at, started_at)
  SELECT $1, d.finished_at, d.seq, d.name, d.state, d.priority, d.size, d.created_at, d.run_at, d.started_at FROM d
  WHERE $5::integer IS NOT NULL AND d.state IN ('completed', 'failed') AND d.started_at IS NOT NULL
  ORDER BY d.finished_at DESC, d.seq DESC
  LIMIT coalesce($5, 0)
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM d)::integer AS n, (SELECT count(*) FROM kept)::integer AS kept
