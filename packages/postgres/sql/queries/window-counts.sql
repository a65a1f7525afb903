-- window-counts: completed and failed jobs of a queue finished since a time.
--
-- @param queue: string
-- @param since: number
-- @returns { completed: number; failed: number }
-- Parameters: since in ms.
-- Returns: one row.
-- Guarantees: two range counts on jobs_dequeued.
SELECT
  (SELECT count(*) FROM {{schema}}.jobs j
   WHERE j.state = 'completed' AND j.queue = $1 AND j.finished_at >= $2)::integer AS completed,
  (SELECT count(*) FROM {{schema}}.jobs j
   WHERE j.state = 'failed' AND j.queue = $1 AND j.finished_at >= $2)::integer AS failed
