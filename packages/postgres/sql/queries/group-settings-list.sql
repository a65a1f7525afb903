-- group-settings-list: every group of a queue with stored settings.
--
-- @param queue: string
-- @returns { grp: string; weight: number }
-- Returns: rows ordered by group name in code-unit order (COLLATE "C"); none for a queue
--   without settings or unknown.
-- Guarantees: one range read of group_settings' primary key, sorted.
SELECT s.grp, s.weight FROM {{schema}}.group_settings s
WHERE s.queue = $1
ORDER BY s.grp COLLATE "C"
