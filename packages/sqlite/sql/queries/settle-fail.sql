-- settle-fail: a running job whose attempt threw: cancelled (cancel was requested), queued again
-- at :retryAt, or failed (the dead-letter set) when :retryAt is NULL.
--
-- @param startedAt: number | null
-- @param id: string
-- @param leaseToken: string
-- @param queue: string
-- @param error: string | null
-- @param retryAt: number | null
-- @param now: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :startedAt is the handler's real start, or NULL to keep the claim's (a prefetched
--   job); :id and :leaseToken the owner's proof; :queue the settle's queue; :error JSON of the
--   attempt's error; :retryAt when to run again (ms), or NULL for no retry; :now the caller's clock.
-- Returns: the row in its new state, or no row when the lease guard missed (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement. A requested
--   cancel wins over a retry. A retried job keeps started_at (its last attempt) and re-enters at
--   the back of its priority level, because run_at becomes :retryAt.
UPDATE jobs SET
  state = CASE
    WHEN cancel_requested = 1 THEN 'cancelled'
    WHEN :retryAt IS NOT NULL THEN 'queued'
    ELSE 'failed'
  END,
  run_at = CASE WHEN cancel_requested = 0 AND :retryAt IS NOT NULL THEN :retryAt ELSE run_at END,
  finished_at = CASE WHEN cancel_requested = 0 AND :retryAt IS NOT NULL THEN NULL ELSE :now END,
  error = :error,
  started_at = coalesce(:startedAt, started_at),
  lease_token = NULL,
  lease_expires_at = NULL
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
