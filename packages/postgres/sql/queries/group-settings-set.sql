-- group-settings-set: stores a named group's weight, creating its queue when missing.
--
-- @param queue: string
-- @param group: string
-- @param weight: number
-- @param now: number
-- Parameters: group is a named group, never ''; weight is 1..100, checked by core and by the
--   table; now (ms) is the updated_at of a queue row this creates.
-- Guarantees: one statement. The queue row is created with the defaults when missing, and its
--   weighted flag set (taking the row's lock until commit, so a concurrent
--   group-settings-unset.sql recounts after this commits); the group's row is inserted or its
--   weight replaced. The weight applies from the group's next claim at every level, and to
--   positions read after the commit.
WITH queue_row AS (
  INSERT INTO {{schema}}.queues AS q (name, updated_at, weighted) VALUES ($1, $4, true)
  ON CONFLICT (name) DO UPDATE SET weighted = true
)
INSERT INTO {{schema}}.group_settings AS s (queue, grp, weight) VALUES ($1, $2, $3)
ON CONFLICT (queue, grp) DO UPDATE SET weight = excluded.weight
