-- get-housekeeping: a queue's housekeeping row, read after a lease take that changed nothing.
--
-- @param queue: string
-- @returns { retention: string | null; holder: string | null }
-- Returns: the row (retention is JSON text, NULL for none), or no row.
-- Guarantees: read-only; a primary-key lookup. Read in the lease take's transaction.
SELECT retention, holder FROM housekeeping WHERE queue = :queue
