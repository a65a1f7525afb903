-- events-prune: drops journaled events older than a time.
--
-- @param before: number
-- Parameters: before in ms.
-- Guarantees: a range delete on events_at.
DELETE FROM {{schema}}.events WHERE at < $1
