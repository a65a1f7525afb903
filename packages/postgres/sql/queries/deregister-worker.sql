-- deregister-worker: removes a worker.
--
-- @param id: string
-- Guarantees: an unknown id is not an error.
DELETE FROM {{schema}}.workers WHERE id = $1
