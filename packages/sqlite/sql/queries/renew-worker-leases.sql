-- renew-worker-leases: extends every lease a worker holds, without being told which jobs it runs.
--
-- @param workerId: string
-- @param queue: string
-- @param leaseExpiresAt: number
-- @returns { id: string; cancel_requested: 0 | 1; lease_expires_at: number }
-- Parameters: :queue is the queue of the worker; :leaseExpiresAt the new expiry (now + leaseMs).
-- Returns: one row per renewed job.
-- Guarantees: only jobs still `running` under :workerId are touched, so a job another worker
--   reclaimed (its worker_id changed) or that was settled is never revived. Walks only the running
--   jobs, through jobs_dequeued ('running'); lease_expires_at is in no index, so renewing writes
--   the rows alone.
UPDATE jobs SET lease_expires_at = :leaseExpiresAt
WHERE state = 'running' AND queue = :queue AND worker_id = :workerId
RETURNING id, cancel_requested, lease_expires_at
