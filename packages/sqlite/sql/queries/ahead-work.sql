-- ahead-work: the work waiting ahead of a ready job, grouped by job name, for the ETA.
--
-- Parameters: :queue :priority :runAt :seq  the job's queue and order key; :now  the caller's clock
-- Returns: one row per name: `name`, `count`, `sized_count` (jobs with a size), `size_sum`.
-- Guarantees: covers exactly the jobs position.sql counts (same two ranges), index-only on
--   jobs_queued because name and size are its last columns.
SELECT name, count(*) AS count, count(size) AS sized_count, total(size) AS size_sum
FROM (
  SELECT name, size FROM jobs
  WHERE queue = :queue AND state = 'queued' AND priority > :priority AND run_at <= :now
  UNION ALL
  SELECT name, size FROM jobs
  WHERE queue = :queue AND state = 'queued' AND priority = :priority
    AND (run_at, seq) < (:runAt, :seq)
)
GROUP BY name
ORDER BY name
