-- trim-samples: cuts a queue's kept samples to the newest :limit.
--
-- @param queue: string
-- @param limit: number
-- Parameters: :limit is how many to keep.
-- Returns: nothing.
-- Guarantees: keeps exactly the newest :limit by (finished_at, seq); a range on the table's key.
DELETE FROM job_samples
WHERE queue = :queue
  AND (:limit <= 0 OR (finished_at, seq) < (
    SELECT finished_at, seq FROM job_samples WHERE queue = :queue
    ORDER BY finished_at DESC, seq DESC
    LIMIT 1 OFFSET CAST(:limit AS INTEGER) - 1))
