-- deregister-worker: forgets a worker.
--
-- Parameters: :id  the worker
-- Returns: nothing; an unknown id is not an error.
-- Guarantees: primary-key delete; the worker's jobs are untouched (their leases expire or settle).
DELETE FROM workers WHERE id = :id
