-- keep-sample: keeps the ETA sample of one completed or failed job about to be (or just) deleted.
--
-- @param queue: string
-- @param name: string
-- @param state: 'completed' | 'failed'
-- @param priority: number
-- @param size: number | null
-- @param createdAt: number
-- @param runAt: number
-- @param startedAt: number
-- @param finishedAt: number
-- @param seq: number
-- Returns: nothing.
-- Guarantees: one row per (queue, finished_at, seq); a sample kept twice is written once.
--   trim-samples.sql then cuts the store to the sample limit in the same transaction.
INSERT OR REPLACE INTO job_samples (queue, finished_at, seq, name, state, priority, size, created_at, run_at, started_at)
VALUES (:queue, :finishedAt, :seq, :name, :state, :priority, :size, :createdAt, :runAt, :startedAt)
