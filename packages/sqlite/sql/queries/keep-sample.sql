-- keep-sample: keeps the ETA sample of one completed or failed job about to be (or just) deleted.
--
-- Parameters: :queue, :name, :state, :priority, :size, :createdAt, :runAt, :startedAt,
--   :finishedAt, :seq
-- Returns: nothing.
-- Guarantees: one row per (queue, finished_at, seq); a sample kept twice is written once.
--   trim-samples.sql then cuts the store to the sample limit in the same transaction.
INSERT OR REPLACE INTO job_samples (queue, finished_at, seq, name, state, priority, size, created_at, run_at, started_at)
VALUES (:queue, :finishedAt, :seq, :name, :state, :priority, :size, :createdAt, :runAt, :startedAt)
