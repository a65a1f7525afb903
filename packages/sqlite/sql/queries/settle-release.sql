-- settle-release: a running job handed back unfinished (its worker is shutting down) goes back to
-- queued at once, without spending an attempt.
--
-- @param id: string
-- @param leaseToken: string
-- @param queue: string
-- @param now: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :id and :leaseToken are the proof of ownership; :queue the queue settled; :now the
--   clock of the caller (ms).
-- Returns: the row in its new state, or no row when the lease guard missed (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement. run_at is kept,
--   so the job keeps its place in the ordering rule; attempt goes back down by one (never below
--   0). A requested cancel wins: the job ends `cancelled` instead, so a release cannot lose it.
UPDATE jobs SET
  state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'queued' END,
  attempt = CASE WHEN cancel_requested = 1 THEN attempt ELSE max(attempt - 1, 0) END,
  finished_at = CASE WHEN cancel_requested = 1 THEN :now ELSE NULL END,
  lease_token = NULL,
  lease_expires_at = NULL
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
