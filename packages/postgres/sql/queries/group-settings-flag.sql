-- group-settings-flag: recomputes a queue's weighted flag after group-settings-unset.sql.
--
-- @param queue: string
-- Guarantees: run in the transaction that holds the queue row's lock (group-settings-unset.sql),
--   so the count sees every group_settings row of the queue committed or written by it:
--   weighted ends true exactly when the queue keeps a row (one LIMIT 1 seek on the primary key).
UPDATE {{schema}}.queues q
SET weighted = EXISTS (SELECT 1 FROM {{schema}}.group_settings s WHERE s.queue = $1)
WHERE q.name = $1
