-- trim-samples: cuts a queue's kept samples to the newest $2.
--
-- @param queue: string
-- @param keep: number
-- Guarantees: keeps exactly the newest $2 by (finished_at, seq); a range on the table's key.
DELETE FROM {{schema}}.job_samples s
WHERE s.queue = $1
  AND ($2::integer <= 0 OR (s.finished_at, s.seq) < (
    SELECT b.finished_at, b.seq FROM {{schema}}.job_samples b WHERE b.queue = $1
    ORDER BY b.finished_at DESC, b.seq DESC
    OFFSET $2 - 1 LIMIT 1))
