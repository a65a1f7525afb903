-- set-retention: stores a queue's retention policy.
--
-- @param queue: string
-- @param retention: string | null
-- Parameters: :retention is the policy as JSON text, or NULL to keep everything.
-- Returns: nothing.
-- Guarantees: one statement; the housekeeping lease of the row is left as it was.
INSERT INTO housekeeping (queue, retention) VALUES (:queue, :retention)
ON CONFLICT (queue) DO UPDATE SET retention = excluded.retention
