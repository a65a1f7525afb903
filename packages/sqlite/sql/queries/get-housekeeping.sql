-- get-housekeeping: a queue's housekeeping row, read after a lease take that changed nothing.
--
-- Parameters: :queue
-- Returns: `retention` (JSON text or NULL) and `holder`, or no row.
SELECT retention, holder FROM housekeeping WHERE queue = :queue
