-- turn-bump: a group just served at a level goes to the back of that level's rotation.
--
-- Parameters: :queue  the queue; :grp  the group ('' = default); :priority  the level
-- Returns: nothing.
-- Guarantees: the group's stamp becomes one above every stamp at the level (the max read on
--   group_turns_order). Run in the claim's transaction, after its lease.
UPDATE group_turns
SET turn = (SELECT max(turn) FROM group_turns WHERE queue = :queue AND priority = :priority) + 1
WHERE queue = :queue AND grp = :grp AND priority = :priority
