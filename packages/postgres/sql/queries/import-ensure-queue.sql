-- import-ensure-queue: creates an import's queue row with the defaults when it is missing.
--
-- Parameters: $1 the queue; $2 now (ms, stored as updated_at)
-- Returns: nothing.
-- Guarantees: an existing row is never touched.
INSERT INTO {{schema}}.queues (name, updated_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING
