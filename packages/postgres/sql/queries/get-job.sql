-- get-job: one job by id.
--
-- Parameters: $1 id
-- Returns: one `job` (row_to_json), or none for an unknown id.
-- Guarantees: a primary-key lookup.
SELECT row_to_json(j) AS job FROM {{schema}}.jobs j WHERE j.id = $1
