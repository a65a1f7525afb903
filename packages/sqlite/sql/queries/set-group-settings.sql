-- set-group-settings: stores a named group's settings (its weight) in a queue.
--
-- @param queue: string
-- @param grp: string
-- @param weight: number
-- Parameters: :grp is a named group (never ''); :weight an integer 1-100 (core validates).
-- Returns: nothing.
-- Guarantees: one primary-key upsert on group_settings; the new weight is what the group's next
--   claim (turn-bump.sql) and every later position (turns-at.sql) read. Stamps and used counts
--   are not touched. The caller creates the queue row in the same transaction.
INSERT INTO group_settings (queue, grp, weight) VALUES (:queue, :grp, :weight)
ON CONFLICT (queue, grp) DO UPDATE SET weight = excluded.weight
