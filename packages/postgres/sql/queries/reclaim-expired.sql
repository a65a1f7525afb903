-- reclaim-expired: moves running jobs whose lease expired before now.
--
-- Parameters: $1 now; $2 queue or NULL for every queue; $3 error (JSON object without attempt/at)
-- Returns: one `job` per job moved, in its new state.
-- Guarantees: one statement. A job with a cancel request ends cancelled; with attempts left it is
--   queued again at now; otherwise failed. The last two record $3 with the attempt and now.
--   FOR UPDATE SKIP LOCKED: a job a worker is settling at this moment is left to that worker.
UPDATE {{schema}}.jobs j SET
  state = CASE WHEN j.cancel_requested THEN 'cancelled'
               WHEN j.attempt < j.max_attempts THEN 'queued' ELSE 'failed' END,
  run_at = CASE WHEN NOT j.cancel_requested AND j.attempt < j.max_attempts THEN $1 ELSE j.run_at END,
  finished_at = CASE WHEN NOT j.cancel_requested AND j.attempt < j.max_attempts THEN NULL ELSE $1 END,
  error = CASE WHEN j.cancel_requested THEN j.error
               ELSE ($3::jsonb || jsonb_build_object('attempt', j.attempt, 'at', $1))::json END,
  lease_token = NULL,
  lease_expires_at = NULL
WHERE j.id IN (
  SELECT e.id FROM {{schema}}.jobs e
  WHERE e.state = 'running' AND ($2::text IS NULL OR e.queue = $2) AND e.lease_expires_at < $1
  FOR UPDATE SKIP LOCKED
)
RETURNING row_to_json(j) AS job
