-- import-remove: removes stored jobs an import replaces.
--
-- @param ids: string
-- Parameters: :ids is a JSON array of job ids.
-- Returns: nothing; changes = how many were removed.
-- Guarantees: never removes a running job (the caller has refused to replace one already).
DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(:ids)) AND state <> 'running'
