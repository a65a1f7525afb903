-- turn-bump: a group just served at a level, with queued jobs left there, counts one more job of
-- its round, or at the round's end goes to the back of that level's rotation (core's afterServe).
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- Parameters: :grp is the group ('' = default); :priority the level.
-- Returns: nothing.
-- Guarantees: with w the group's weight (group_settings, 1 without a row; one primary-key seek)
--   and u its stored used count: when u + 1 < w the stamp is kept and used becomes u + 1;
--   otherwise used becomes 0 and the stamp one above every stamp at the level (the max read on
--   group_turns_order). u + 1 < w is core's min(u, w - 1) + 1 < w, so a round already past a
--   lowered weight ends at this serve. With weight 1 (every group of a queue without stored
--   settings) it always restamps, as before weights. SET reads the row's values before the write.
--   Run in the claim's transaction, after its lease.
UPDATE group_turns
SET
  used = CASE WHEN group_turns.used + 1 < w.weight THEN group_turns.used + 1 ELSE 0 END,
  turn = CASE WHEN group_turns.used + 1 < w.weight THEN group_turns.turn
    ELSE (SELECT max(turn) FROM group_turns WHERE queue = :queue AND priority = :priority) + 1 END
FROM (SELECT coalesce((SELECT weight FROM group_settings WHERE queue = :queue AND grp = :grp), 1) AS weight) AS w
WHERE group_turns.queue = :queue AND group_turns.grp = :grp AND group_turns.priority = :priority
