-- claim-one: leases one queued job picked by the grouped claim (src/claim-grouped.ts).
--
-- @param seq: number
-- @param now: number
-- @param leaseToken: string
-- @param leaseExpiresAt: number
-- @param workerId: string
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :seq is the picked job; the others as in claim.sql.
-- Returns: the leased row in its new state, or no row when the job is no longer queued.
-- Guarantees: the same lease as claim.sql (token ':leaseToken:seq', attempt + 1, started_at =
--   :now, progress, finish time and cancel request cleared), by primary key, guarded by
--   state = 'queued'. Run inside the BEGIN IMMEDIATE of the claim.
UPDATE jobs SET
  state = 'running',
  attempt = attempt + 1,
  started_at = :now,
  finished_at = NULL,
  lease_token = :leaseToken || ':' || seq,
  lease_expires_at = :leaseExpiresAt,
  worker_id = :workerId,
  cancel_requested = 0,
  progress = NULL
WHERE seq = :seq AND state = 'queued'
RETURNING *
