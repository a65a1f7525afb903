-- turn-of: one group's turn stamp at one level, or no row.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- @returns { turn: number }
-- Parameters: :grp is the group ('' = default); :priority the level.
-- Returns: the stamp, or no row when the group holds no stamp there.
-- Guarantees: primary-key lookup.
SELECT turn FROM group_turns WHERE queue = :queue AND grp = :grp AND priority = :priority
