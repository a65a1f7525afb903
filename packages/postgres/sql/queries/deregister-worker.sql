-- deregister-worker: removes a worker.
--
-- Parameters: $1 id
-- Returns: nothing.
-- Guarantees: an unknown id is not an error.
DELETE FROM {{schema}}.workers WHERE id = $1
