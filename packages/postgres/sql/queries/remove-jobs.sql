-- remove-jobs: deletes one chunk of a queue's jobs in the given states (never running).
--
-- Parameters: $1 queue; $2 states (text[]); $3 older than (ms) or NULL; $4 chunk size
-- Returns: one row (n) per job deleted.
-- Guarantees: queued jobs are chosen by created_at, final ones by finished_at; at most $4 rows,
--   so each statement holds its locks briefly; rows locked by others are skipped this round.
WITH d AS (
  DELETE FROM {{schema}}.jobs j WHERE j.id IN (
    SELECT e.id FROM {{schema}}.jobs e
    WHERE e.queue = $1 AND e.state = ANY ($2::text[]) AND e.state <> 'running'
      AND ($3::bigint IS NULL OR coalesce(e.finished_at, e.created_at) < $3)
    LIMIT $4
    FOR UPDATE SKIP LOCKED
  )
  RETURNING 1
)
SELECT count(*)::integer AS n FROM d
