-- renew-worker-leases: extends every lease a worker holds (its heartbeat thread's call).
--
-- @param workerId: string
-- @param queue: string
-- @param expiresAt: number
-- @returns { id: string; cancel_requested: boolean; lease_expires_at: number }
-- Parameters: expiresAt is the new lease_expires_at.
-- Returns: one row per job renewed.
-- Guarantees: only running jobs leased to $1; walks jobs_dequeued's running entries.
UPDATE {{schema}}.jobs j SET lease_expires_at = $3
WHERE j.state = 'running' AND j.queue = $2 AND j.worker_id = $1
RETURNING j.id, j.cancel_requested, j.lease_expires_at
