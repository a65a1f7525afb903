-- list-group-settings: every group of a queue with stored settings, by name.
--
-- @param queue: string
-- @returns { grp: string; weight: number }
-- Returns: ordered by grp (BINARY: UTF-8 byte order, which is code-point order;
--   src/group-settings.ts re-sorts into code-unit order, which differs only where names mix
--   characters U+E000-U+FFFF with ones above U+FFFF); no row for an unknown queue.
-- Guarantees: a range read of group_settings' primary key (queue, grp), in order without a sort.
SELECT grp, weight FROM group_settings WHERE queue = :queue ORDER BY grp
