-- settle-cancel: a running job whose handler stopped after a cancel request becomes cancelled.
--
-- @param startedAt: number | null
-- @param id: string
-- @param leaseToken: string
-- @param queue: string
-- @param error: string | null
-- @param now: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :startedAt is when the handler really started, or NULL to keep the start the
--   claim wrote (a prefetched job); :id and :leaseToken the proof of ownership; :queue the queue
--   settled; :error JSON or NULL; :now the clock of the caller.
-- Returns: the row in its new state, or no row when the lease guard missed (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement. A NULL :error
--   keeps the error an earlier attempt recorded.
UPDATE jobs SET
  state = 'cancelled',
  started_at = coalesce(:startedAt, started_at),
  finished_at = :now,
  error = coalesce(:error, error),
  lease_token = NULL,
  lease_expires_at = NULL
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
