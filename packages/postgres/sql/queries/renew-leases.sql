-- renew-leases: extends the given leases that are still held.
--
-- @param ids: readonly string[]
-- @param tokens: readonly string[]
-- @param expiresAt: number
-- @param queue: string
-- @returns { id: string; cancel_requested: boolean; lease_expires_at: number }
-- Parameters: tokens are the lease tokens, in the order of ids; expiresAt the new lease_expires_at.
-- Returns: one row per lease renewed; a lease not held (settled, reclaimed, another token,
--   a job of another queue) has no row and is not written.
-- Guarantees: each row guarded by queue, state = 'running' AND its lease token, in one statement.
--   The rows are locked in id order before they are written, as in renew-worker-leases.sql.
UPDATE {{schema}}.jobs j SET lease_expires_at = $3
FROM (
  SELECT e.id, l.token FROM {{schema}}.jobs e
  JOIN unnest($1::text[], $2::text[]) AS l(id, token) ON e.id = l.id
  WHERE e.queue = $4 AND e.state = 'running' AND e.lease_token = l.token
  ORDER BY e.id
  FOR UPDATE OF e
) x
WHERE j.id = x.id AND j.queue = $4 AND j.state = 'running' AND j.lease_token = x.token
RETURNING j.id, j.cancel_requested, j.lease_expires_at
