-- position: a job's 1-based position among the ready jobs of its queue.
-- Ungrouped jobs only (grp IS NULL, the jobs_queued index): for a queue that is not grouped that is
--   every queued job; the grouped jobs of a grouped queue are read by the *-grouped statements.
--
-- @param id: string
-- @param queue: string
-- @param now: number
-- @returns { position: number | null }
-- Parameters: :queue is the queue of the job (no row for another queue's job); :now the clock of the caller (ms).
-- Returns: one row, position NULL when the queue is grouped (src/position-grouped.ts then
--   computes it), or no row when the job is unknown, not queued, or scheduled
--   (run_at > :now).
-- Guarantees: position = 1 + the ready jobs that sort before this one by the ordering rule
--   (priority DESC, run_at, seq). Both counts are index-only range scans on jobs_queued
--   (EXPLAIN QUERY PLAN: USING COVERING INDEX), split so that each reads only the entries ahead:
--   every higher priority (ready ones counted), then this priority up to (run_at, seq). One
--   statement, so it reads one consistent snapshot.
SELECT CASE WHEN (SELECT grouped FROM queues WHERE name = j.queue) = 1 THEN NULL ELSE 1
  + (SELECT count(*) FROM jobs a
     WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NULL
       AND a.priority > j.priority AND a.run_at <= :now)
  + (SELECT count(*) FROM jobs a
     WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NULL
       AND a.priority = j.priority AND (a.run_at, a.seq) < (j.run_at, j.seq))
  END AS position
FROM jobs j
WHERE j.id = :id AND j.queue = :queue AND j.state = 'queued' AND j.run_at <= :now
