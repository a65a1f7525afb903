-- list-waiting: a page of a queue's ungrouped queued jobs in claim order.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @param offset: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: now is the reader's clock (ready means run_at <= now); offset the jobs to skip from
--   the front of the claim order; limit the page size.
-- Returns: full rows: the jobs ready at now by the ordering rule (priority DESC, run_at, seq),
--   then the jobs scheduled after now by (run_at, priority DESC, seq).
-- Guarantees: one statement, one snapshot. The ready part walks jobs_queued in its own order and
--   stops after offset + limit ready entries (the scheduled entries of higher levels it passes are
--   filtered out). The scheduled part is not in index order across levels, so, as in
--   due-ahead.sql, lv finds each level with one index-only seek and each level gives at most
--   offset + limit entries of one range (run_at > now), merged. Only the page's rows are read in
--   full (joined on (queue, seq), jobs_queue_seq).
WITH RECURSIVE lv(priority) AS (
  SELECT (SELECT a.priority FROM {{schema}}.jobs a
          WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL
          ORDER BY a.priority DESC LIMIT 1)
  UNION ALL
  SELECT (SELECT a.priority FROM {{schema}}.jobs a
          WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority < lv.priority
          ORDER BY a.priority DESC LIMIT 1)
  FROM lv WHERE lv.priority IS NOT NULL
), ready AS (
  SELECT a.seq, 0 AS phase, a.priority, a.run_at FROM {{schema}}.jobs a
  WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.run_at <= $2
  ORDER BY a.priority DESC, a.run_at, a.seq
  LIMIT $3::bigint + $4::bigint
), later AS (
  SELECT s.seq, 1 AS phase, s.priority, s.run_at FROM lv CROSS JOIN LATERAL (
    SELECT a.seq, a.priority, a.run_at FROM {{schema}}.jobs a
    WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority = lv.priority AND a.run_at > $2
    ORDER BY a.run_at, a.seq LIMIT $3::bigint + $4::bigint
  ) s
  WHERE lv.priority IS NOT NULL
), page AS (
  SELECT b.seq, b.phase, b.priority, b.run_at FROM (SELECT * FROM ready UNION ALL SELECT * FROM later) b
  ORDER BY b.phase, CASE WHEN b.phase = 0 THEN -b.priority END, b.run_at, -b.priority, b.seq
  OFFSET $4 LIMIT $3
)
SELECT row_to_json(j) AS job FROM page p JOIN {{schema}}.jobs j ON j.queue = $1 AND j.seq = p.seq
ORDER BY p.phase, CASE WHEN p.phase = 0 THEN -p.priority END, p.run_at, -p.priority, p.seq
