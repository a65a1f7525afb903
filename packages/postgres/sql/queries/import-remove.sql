-- import-remove: removes stored jobs an import replaces.
--
-- @param ids: readonly string[]
-- Guarantees: never removes a running job (the caller has refused to replace one already).
DELETE FROM {{schema}}.jobs WHERE id = ANY ($1::text[]) AND state <> 'running'
