-- ahead-jobs: the first ready jobs of a queue in claim order.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @returns { name: string; size: number | null }
-- Returns: rows in claim order.
-- Guarantees: for a queue that is not grouped (ungrouped jobs only, since 0012; a grouped queue
--   reads ahead-higher.sql and ahead-grouped.sql). Walks jobs_queued in order and stops after $3
--   ready rows.
SELECT a.name, a.size FROM {{schema}}.jobs a
WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.run_at <= $2
ORDER BY a.priority DESC, a.run_at, a.seq
LIMIT $3
