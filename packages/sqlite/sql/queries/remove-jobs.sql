-- remove-jobs: deletes one chunk of a queue's jobs in the given states.
--
-- Parameters:
--   :queue      the queue
--   :states     JSON array of states (never 'running'; the caller checks)
--   :olderThan  ms, or NULL: only jobs finished (final states) or created (queued) before it
--   :chunk      most rows to delete in this statement
-- Returns: nothing; changes = rows deleted. The caller repeats until changes < :chunk.
-- Guarantees: a running job is never deleted, whatever :states holds. Deleting in chunks, one
--   transaction each, keeps the write lock short so other processes' claims and adds go on.
DELETE FROM jobs WHERE seq IN (
  SELECT seq FROM jobs
  WHERE queue = :queue
    AND state IN (SELECT value FROM json_each(:states))
    AND state <> 'running'
    AND (
      :olderThan IS NULL
      OR (CASE WHEN state = 'queued' THEN created_at ELSE finished_at END) < :olderThan
    )
  LIMIT :chunk
)
