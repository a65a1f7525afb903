-- get-retention: a queue's stored retention policy.
--
-- @param queue: string
-- @returns { retention: RetentionPolicy | null }
-- @use RetentionPolicy from rows
-- Returns: one row (the policy, NULL for none), or no row for a queue never given a policy or
--   lease.
-- Guarantees: read-only; a primary-key lookup; the housekeeping lease is left as it was.
SELECT retention FROM {{schema}}.housekeeping WHERE queue = $1
