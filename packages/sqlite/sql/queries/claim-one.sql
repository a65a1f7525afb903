-- claim-one: leases one queued job picked by the grouped claim (src/claim-grouped.ts).
--
-- Parameters: :seq  the picked job; :now :leaseToken :leaseExpiresAt :workerId  as claim.sql
-- Returns: the leased row in its new state, or no row when the job is no longer queued.
-- Guarantees: the same lease as claim.sql (token ':leaseToken:seq', attempt + 1, started_at =
--   :now, progress, finish time and cancel request cleared), by primary key, guarded by
--   state = 'queued'. Run inside the claim's BEGIN IMMEDIATE.
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
