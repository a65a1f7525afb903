-- running-samples: the running jobs of a queue, as the ETA sees them.
--
-- Parameters: :queue  the queue
-- Returns: `id`, `name`, `size`, `started_at`, `progress_percent` (from the progress JSON, or NULL),
--   oldest start first.
-- Guarantees: reads jobs_claim_order (queue, state = 'running').
SELECT id, name, size, started_at, json_extract(progress, '$.percent') AS progress_percent
FROM jobs
WHERE queue = :queue AND state = 'running'
ORDER BY started_at, seq
