-- listener-delete: this process stops listening to a queue.
--
-- @param processId: string
-- @param queue: string
-- Parameters: :processId is this process.
-- Returns: nothing.
-- Guarantees: removes only this process's row; other processes' listeners are untouched.
DELETE FROM listeners WHERE process_id = :processId AND queue = :queue
