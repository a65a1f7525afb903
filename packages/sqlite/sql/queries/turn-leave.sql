-- turn-leave: a group whose last queued job at a level was just claimed leaves the rotation there.
--
-- @param queue: string
-- @param grp: string
-- @param priority: number
-- Parameters: :grp is the group ('' = default); :priority the level.
-- Returns: nothing.
-- Guarantees: primary-key delete; the group rejoins at the back (turn-join.sql) when a job of it
--   becomes queued at the level again. Run in the claim's transaction, after its lease.
DELETE FROM group_turns WHERE queue = :queue AND grp = :grp AND priority = :priority
