-- turns-at: the turns of one level of a grouped queue, in the order groups go, with each group's
-- weight and used count.
--
-- @param queue: string
-- @param priority: number
-- @returns { grp: string; turn: number; weight: number; used: number }
-- Parameters: :priority is the level.
-- Returns: grp ('' = default group), turn, weight (group_settings, 1 without a row), used (jobs of
--   the current round given; read only for a weight above 1, 0 otherwise, which is what core's
--   usedOf makes of any used count at weight 1), ordered by turn then grp (core's turnBefore).
-- Guarantees: index-only seek on group_turns_order (queue, priority DESC, turn), in order without
--   a sort, as before weights; per turn, one primary-key seek on group_settings (LEFT JOIN,
--   group_turns outside), and a primary-key read of the group's used count only when its weight
--   is above 1: a queue without stored weights reads no group_turns row. Stamps are unique at a
--   level, so the grp tie-break never decides.
SELECT group_turns.grp, group_turns.turn, coalesce(s.weight, 1) AS weight,
  CASE WHEN s.weight > 1 THEN (
    SELECT u.used FROM group_turns AS u WHERE u.queue = :queue AND u.grp = group_turns.grp AND u.priority = :priority
  ) ELSE 0 END AS used
FROM group_turns LEFT JOIN group_settings AS s ON s.queue = group_turns.queue AND s.grp = group_turns.grp
WHERE group_turns.queue = :queue AND group_turns.priority = :priority
ORDER BY group_turns.turn, group_turns.grp
