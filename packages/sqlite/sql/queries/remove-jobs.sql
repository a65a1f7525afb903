-- remove-jobs: deletes one chunk of the jobs of a queue in the given states.
--
-- @param queue: string
-- @param states: string
-- @param olderThan: number | null
-- @param chunk: number
-- @returns DeletedRow
-- @use DeletedRow from rows
-- Parameters:
--   :states     JSON array of states (never 'running'; the caller checks)
--   :olderThan  ms, or NULL: only jobs finished (final states) or created (queued) before it
--   :chunk      most rows to delete in this statement
-- Returns: the deleted rows' ETA fields (as prune-finished.sql), one row per job deleted; the
--   caller keeps the samples and repeats until fewer than :chunk come back.
-- Guarantees: a running job is never deleted, whatever :states holds. Deleting in chunks, one
--   transaction each, keeps the write lock short so other processes' claims and adds go on.
--   Queued jobs are found on jobs_queued, finished ones on jobs_dequeued (state, queue,
--   finished_at), so an olderThan cut on finished jobs is a range scan. CAST keeps the statement
--   from being re-prepared at every binding (see claim.sql).
DELETE FROM jobs WHERE seq IN (
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND 'queued' IN (SELECT value FROM json_each(:states))
    AND (:olderThan IS NULL OR created_at < :olderThan)
  UNION ALL
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL AND 'queued' IN (SELECT value FROM json_each(:states))
    AND (:olderThan IS NULL OR created_at < :olderThan)
  UNION ALL
  SELECT seq FROM jobs
  WHERE state IN (SELECT value FROM json_each(:states)) AND state <> 'running'
    AND queue = :queue AND finished_at IS NOT NULL
    AND (:olderThan IS NULL OR finished_at < :olderThan)
  LIMIT CAST(:chunk AS INTEGER)
)
RETURNING name, state, priority, size, created_at, run_at, started_at, finished_at, seq
