-- import-remove: removes stored jobs an import replaces.
--
-- Parameters: $1 job ids (text[])
-- Returns: nothing.
-- Guarantees: never removes a running job (the caller has refused to replace one already).
DELETE FROM {{schema}}.jobs WHERE id = ANY ($1::text[]) AND state <> 'running'
