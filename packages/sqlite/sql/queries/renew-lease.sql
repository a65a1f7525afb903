-- renew-lease: extends a held lease and reports whether a cancel was requested.
--
-- Parameters: :id :leaseToken  the owner's proof; :queue  the job's queue; :leaseExpiresAt  the
--   new expiry (now + leaseMs)
-- Returns: `cancel_requested` and `lease_expires_at` after the write, or no row when the lease is
--   not held or the job is another queue's (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token, so a lost lease is reported,
--   never revived.
UPDATE jobs SET lease_expires_at = :leaseExpiresAt
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING cancel_requested, lease_expires_at
