-- settle-complete: a running job whose handler returned becomes completed.
--
-- @param startedAt: number | null
-- @param id: string
-- @param leaseToken: string
-- @param queue: string
-- @param result: string | null
-- @param now: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :startedAt is when the handler really started, or NULL to keep the start the
--   claim wrote (a prefetched job); :id and :leaseToken the proof of ownership; :queue the queue
--   settled; :result JSON or NULL; :now the clock of the caller.
-- Returns: the row in its new state, or no row when the lease guard missed (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement, so a worker
--   whose lease was reclaimed can never complete a job another worker now owns.
UPDATE jobs SET
  state = 'completed',
  started_at = coalesce(:startedAt, started_at),
  result = :result,
  finished_at = :now,
  lease_token = NULL,
  lease_expires_at = NULL
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
