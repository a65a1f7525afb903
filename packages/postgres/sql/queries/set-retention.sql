-- set-retention: stores a queue's retention policy.
--
-- Parameters: $1 queue; $2 the policy (json text) or NULL to keep everything
-- Returns: nothing.
-- Guarantees: one statement; the row's housekeeping lease is left as it was.
INSERT INTO {{schema}}.housekeeping (queue, retention) VALUES ($1, $2::json)
ON CONFLICT (queue) DO UPDATE SET retention = excluded.retention
