-- group-settings-unset: removes a named group's settings (back to weight 1), creating its queue
-- when missing; the first of two statements of one transaction (src/control.ts).
--
-- @param queue: string
-- @param group: string
-- @param now: number
-- Parameters: now (ms) is the updated_at of a queue row this creates.
-- Guarantees: the queue row is created with the defaults when missing, or locked until commit
--   (a no-op update), and the group's row deleted (none: nothing). Every writer of
--   group_settings takes that lock, so group-settings-flag.sql, run next in the same transaction
--   with a fresh snapshot, counts a stable set of rows.
WITH queue_row AS (
  INSERT INTO {{schema}}.queues AS q (name, updated_at) VALUES ($1, $3)
  ON CONFLICT (name) DO UPDATE SET weighted = q.weighted
)
DELETE FROM {{schema}}.group_settings s WHERE s.queue = $1 AND s.grp = $2
