-- remove-group-settings: forgets a named group's stored settings in a queue (back to weight 1).
--
-- @param queue: string
-- @param grp: string
-- Returns: nothing; changes = 1 when a row was removed.
-- Guarantees: one primary-key delete on group_settings; a group without settings is fine.
DELETE FROM group_settings WHERE queue = :queue AND grp = :grp
