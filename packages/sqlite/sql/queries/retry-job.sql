-- retry-job: moves a failed or cancelled job back to queued, its attempts and stalls reset.
--
-- @param id: string
-- @param queue: string
-- @param runAt: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :queue is the job's queue (another queue's job is never touched); :runAt when it
--   becomes ready (ms).
-- Returns: the row in its new state, or no row when the job is unknown or in another state.
-- Guarantees: guarded by state IN ('failed', 'cancelled'). The job re-enters at the back of its
--   priority level (run_at = :runAt); its last error and started_at are kept for inspection;
--   lease, cancel request and finish time are cleared.
UPDATE jobs SET
  state = 'queued',
  attempt = 0,
  stalls = 0,
  run_at = :runAt,
  finished_at = NULL,
  lease_token = NULL,
  lease_expires_at = NULL,
  cancel_requested = 0
WHERE id = :id AND queue = :queue AND state IN ('failed', 'cancelled')
RETURNING *
