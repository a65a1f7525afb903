-- get-job: one job by id.
--
-- @param id: string
-- @returns JobRow
-- @use JobRow from rows
-- Returns: one `job` (row_to_json), or none for an unknown id.
-- Guarantees: a primary-key lookup.
SELECT row_to_json(j) AS job FROM {{schema}}.jobs j WHERE j.id = $1
