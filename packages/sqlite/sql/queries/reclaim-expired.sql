-- reclaim-expired: moves every running job whose lease expired before :now out of running.
--
-- Parameters:
--   :now    the caller's clock (ms)
--   :queue  one queue, or NULL for every queue
--   :error  JSON object of the error to record, without attempt and at (added here)
-- Returns: every moved row in its new state.
-- Guarantees: one statement reading only the running jobs (of every queue, even with :queue
--   given), through jobs_dequeued ('running'), then their rows for queue and lease_expires_at:
--   there are no more of them than jobs run at once, so no index on the expiry has to be kept up
--   to date by every claim, renewal and settle. A requested cancel ends
--   `cancelled` (error untouched); with attempts left the job is `queued` again at run_at = :now,
--   the back of its priority level; otherwise `failed`. The recorded error carries the attempt
--   that was lost and :now. The lease is cleared, so the old owner's settle misses its guard.
UPDATE jobs SET
  state = CASE
    WHEN cancel_requested = 1 THEN 'cancelled'
    WHEN attempt < max_attempts THEN 'queued'
    ELSE 'failed'
  END,
  run_at = CASE WHEN cancel_requested = 0 AND attempt < max_attempts THEN :now ELSE run_at END,
  finished_at = CASE WHEN cancel_requested = 0 AND attempt < max_attempts THEN NULL ELSE :now END,
  error = CASE
    WHEN cancel_requested = 1 THEN error
    ELSE json_set(:error, '$.attempt', attempt, '$.at', :now)
  END,
  lease_token = NULL,
  lease_expires_at = NULL
WHERE state = 'running' AND (:queue IS NULL OR queue = :queue) AND lease_expires_at < :now
RETURNING *
