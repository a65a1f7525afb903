-- renew-worker-leases: extends every lease a worker holds, without being told which jobs it runs.
--
-- Parameters: :workerId  the worker; :queue  its queue, or NULL for every queue;
--   :leaseExpiresAt  the new expiry (now + leaseMs)
-- Returns: one row per renewed job: `id`, `cancel_requested`, `lease_expires_at`.
-- Guarantees: only jobs still `running` under :workerId are touched, so a job another worker
--   reclaimed (its worker_id changed) or that was settled is never revived. Walks only the running
--   jobs, through the partial index jobs_lease_expiry (named: the planner would otherwise scan).
UPDATE jobs INDEXED BY jobs_lease_expiry SET lease_expires_at = :leaseExpiresAt
WHERE state = 'running' AND worker_id = :workerId AND (:queue IS NULL OR queue = :queue)
RETURNING id, cancel_requested, lease_expires_at
