-- renew-worker-leases: extends every lease a worker holds (its heartbeat thread's call).
--
-- @param workerId: string
-- @param queue: string
-- @param expiresAt: number
-- @returns { id: string; cancel_requested: boolean; lease_expires_at: number }
-- Parameters: expiresAt is the new lease_expires_at.
-- Returns: one row per job renewed.
-- Guarantees: only running jobs leased to $1; walks jobs_dequeued's running entries. The rows
--   are locked in id order before they are written, the order a settle of several items locks
--   its rows in (sql/functions/settle.sql, since 0018), so a renewal and the worker's own settle
--   never deadlock.
UPDATE {{schema}}.jobs j SET lease_expires_at = $3
FROM (
  SELECT e.id FROM {{schema}}.jobs e
  WHERE e.state = 'running' AND e.queue = $2 AND e.worker_id = $1
  ORDER BY e.id
  FOR UPDATE
) x
WHERE j.id = x.id AND j.state = 'running' AND j.queue = $2 AND j.worker_id = $1
RETURNING j.id, j.cancel_requested, j.lease_expires_at
