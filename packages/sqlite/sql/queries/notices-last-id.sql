-- notices-last-id: the newest notice id, where a new listener starts reading.
--
-- @returns { id: number }
-- Parameters: none.
-- Returns: one row; id is 0 when the journal is empty.
-- Guarantees: reads the rowid b-tree's last entry only.
SELECT coalesce(max(id), 0) AS id FROM notices
