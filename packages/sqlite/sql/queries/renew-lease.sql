-- renew-lease: extends a held lease and reports whether a cancel was requested.
--
-- @param id: string
-- @param leaseToken: string
-- @param queue: string
-- @param leaseExpiresAt: number
-- @returns { cancel_requested: 0 | 1; lease_expires_at: number }
-- Parameters: :id and :leaseToken are the owner's proof; :leaseExpiresAt the new expiry (now + leaseMs).
-- Returns: the two columns after the write, or no row when the lease is not held or the job is
--   another queue's (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token, so a lost lease is reported,
--   never revived.
UPDATE jobs SET lease_expires_at = :leaseExpiresAt
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING cancel_requested, lease_expires_at
