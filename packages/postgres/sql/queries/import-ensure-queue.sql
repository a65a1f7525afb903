-- import-ensure-queue: creates an import's queue row with the defaults when it is missing.
--
-- @param queue: string
-- @param now: number
-- Parameters: now in ms, stored as updated_at.
-- Guarantees: an existing row is never touched.
INSERT INTO {{schema}}.queues (name, updated_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING
