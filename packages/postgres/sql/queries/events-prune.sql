-- events-prune: drops journaled events older than a time.
--
-- Parameters: $1 before (ms)
-- Returns: nothing.
-- Guarantees: a range delete on events_at.
DELETE FROM {{schema}}.events WHERE at < $1
