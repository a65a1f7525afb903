-- renew-worker-leases: extends every lease a worker holds, without being told which jobs it runs.
--
-- Parameters: :workerId  the worker; :queue  its queue;
--   :leaseExpiresAt  the new expiry (now + leaseMs)
-- Returns: one row per renewed job: `id`, `cancel_requested`, `lease_expires_at`.
-- Guarantees: only jobs still `running` under :workerId are touched, so a job another worker
--   reclaimed (its worker_id changed) or that was settled is never revived. Walks only the running
--   jobs, through jobs_dequeued ('running'); lease_expires_at is in no index, so renewing writes
--   the rows alone.
UPDATE jobs SET lease_expires_at = :leaseExpiresAt
WHERE state = 'running' AND queue = :queue AND worker_id = :workerId
RETURNING id, cancel_requested, lease_expires_at
