-- renew-leases: extends the given leases that are still held.
--
-- Parameters: $1 ids (text[]); $2 lease tokens (text[], same order); $3 new lease_expires_at;
--   $4 queue
-- Returns: (id, cancel_requested, lease_expires_at) per lease renewed; a lease not held (settled,
--   reclaimed, another token, another queue's job) has no row and is not written.
-- Guarantees: each row guarded by queue, state = 'running' AND its lease token, in one statement.
UPDATE {{schema}}.jobs j SET lease_expires_at = $3
FROM unnest($1::text[], $2::text[]) AS x(id, token)
WHERE j.id = x.id AND j.queue = $4 AND j.state = 'running' AND j.lease_token = x.token
RETURNING j.id, j.cancel_requested, j.lease_expires_at
