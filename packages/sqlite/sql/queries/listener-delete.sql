-- listener-delete: this process stops listening to a queue.
--
-- Parameters: :processId  this process; :queue  the queue
-- Returns: nothing.
-- Guarantees: removes only this process's row; other processes' listeners are untouched.
DELETE FROM listeners WHERE process_id = :processId AND queue = :queue
