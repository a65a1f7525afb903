-- window-counts: completed and failed jobs of a queue finished since a time.
--
-- Parameters: $1 queue; $2 since (ms)
-- Returns: one row (completed, failed).
-- Guarantees: two range counts on jobs_dequeued.
SELECT
  (SELECT count(*) FROM {{schema}}.jobs j
   WHERE j.state = 'completed' AND j.queue = $1 AND j.finished_at >= $2)::integer AS completed,
  (SELECT count(*) FROM {{schema}}.jobs j
   WHERE j.state = 'failed' AND j.queue = $1 AND j.finished_at >= $2)::integer AS failed
