-- ensure-queue: creates a queue row with the defaults when it is missing.
--
-- @param name: string
-- @param now: number
-- Parameters: :name is the queue; :now the caller's clock (ms), stored as updated_at.
-- Returns: nothing; changes = 1 when the row was created, 0 when it existed.
-- Guarantees: defaults are no concurrency limit, no maxSize, not paused; an existing row is
--   never touched.
INSERT INTO queues (name, concurrency, max_size, paused, updated_at)
VALUES (:name, NULL, NULL, 0, :now)
ON CONFLICT (name) DO NOTHING
