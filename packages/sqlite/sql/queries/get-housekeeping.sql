-- get-housekeeping: a queue's housekeeping row, read after a lease take that changed nothing.
--
-- Parameters: :queue
-- Returns: `retention` (JSON text or NULL) and `holder`, or no row.
-- Guarantees: read-only; a primary-key lookup. Read in the lease take's transaction.
SELECT retention, holder FROM housekeeping WHERE queue = :queue
