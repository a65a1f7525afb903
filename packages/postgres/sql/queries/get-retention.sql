-- get-retention: a queue's stored retention policy.
--
-- Parameters: $1 queue
-- Returns: one row (retention: json or NULL), or no row for a queue never given a policy or lease.
-- Guarantees: read-only; a primary-key lookup; the housekeeping lease is left as it was.
SELECT retention FROM {{schema}}.housekeeping WHERE queue = $1
