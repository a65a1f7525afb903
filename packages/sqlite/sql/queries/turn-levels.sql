-- turn-levels: the priority levels of a grouped queue that hold turns, highest first.
--
-- Parameters: :queue  the queue
-- Returns: `priority` per level, descending.
-- Guarantees: every level with a queued job of a grouped queue holds a turn for that job's group
--   (turn-join.sql runs at every transition to queued), so these are all the levels a claim may
--   take from. Index-only on group_turns_order; levels whose groups left are not listed.
SELECT DISTINCT priority FROM group_turns WHERE queue = :queue ORDER BY priority DESC
