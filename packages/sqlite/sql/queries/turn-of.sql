-- turn-of: one group's turn stamp at one level, or no row.
--
-- Parameters: :queue  the queue; :grp  the group ('' = default); :priority  the level
-- Returns: `turn`, or no row when the group holds no stamp there.
-- Guarantees: primary-key lookup.
SELECT turn FROM group_turns WHERE queue = :queue AND grp = :grp AND priority = :priority
