-- set-retention: stores a queue's retention policy.
--
-- @param queue: string
-- @param policy: string | null
-- Parameters: policy is JSON text, or NULL to keep everything.
-- Guarantees: one statement; the row's housekeeping lease is left as it was.
INSERT INTO {{schema}}.housekeeping (queue, retention) VALUES ($1, $2::json)
ON CONFLICT (queue) DO UPDATE SET retention = excluded.retention
