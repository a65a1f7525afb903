-- turns-at: the turns of one level of a grouped queue, in the order groups go.
--
-- Parameters: :queue  the queue; :priority  the level
-- Returns: `grp` ('' = default group), `turn`, ordered by turn then grp (core's turnBefore).
-- Guarantees: index seek on group_turns_order (queue, priority DESC, turn); stamps are unique at a
--   level, so the grp tie-break never decides.
SELECT grp, turn FROM group_turns WHERE queue = :queue AND priority = :priority ORDER BY turn, grp
