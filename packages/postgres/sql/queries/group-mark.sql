-- group-mark: marks a queue grouped (an import carrying a group), after import-jobs.sql wrote it.
--
-- @param queue: string
-- @param ids: readonly string[]
-- @returns { grouped: boolean }
-- Parameters: ids are the imported jobs'.
-- Returns: one row (grouped: true once the queue is grouped).
-- Guarantees: group_mark(): grouped is set, never cleared; when this call set it, the default
--   group is stamped at every level where ungrouped jobs other than $2 wait.
SELECT {{schema}}.group_mark($1, $2::text[]) AS grouped
