-- fold_queued_counts: folds a queue's per-connection rows of queued_counts (since 0017) into
-- shard 0 and drops the shard-0 rows it brought to 0, so a position reads few rows.
--
-- Parameters: p_queue; p_limit, the most rows moved in one call.
-- Returns: the number of rows moved (0 when there was nothing to fold).
-- Guarantees: the sums per (queue, priority, bits, bucket) are unchanged in every snapshot: one
--   statement deletes the moved rows and adds their sums to shard 0. A row that another
--   transaction holds (a writer's trigger in flight) is skipped, never waited for, so a fold
--   cannot stall an add, a claim or a settle; that writer waits at most for the fold's own
--   statement when it touches a row being moved. After the migration's backfill, shard 0 is
--   written only here (and emptied by a TRUNCATE of jobs): callers are the holders of a queue's
--   housekeeping lease, one at a time, and rows are written in key order.
CREATE OR REPLACE FUNCTION {{schema}}.fold_queued_counts(p_queue text, p_limit integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  v_moved integer;
  v_priority integer[];
  v_bits smallint[];
  v_bucket bigint[];
BEGIN
  WITH moved AS (
    DELETE FROM {{schema}}.queued_counts c
    WHERE c.ctid = ANY (ARRAY(
      SELECT m.ctid FROM {{schema}}.queued_counts m
      WHERE m.queue = p_queue AND m.shard <> 0
      LIMIT p_limit FOR UPDATE SKIP LOCKED))
    RETURNING c.priority, c.bits, c.bucket, c.n
  ), folded AS (
    INSERT INTO {{schema}}.queued_counts AS z (queue, priority, bits, bucket, shard, n)
    SELECT p_queue, m.priority, m.bits, m.bucket, 0, sum(m.n)
    FROM moved m GROUP BY m.priority, m.bits, m.bucket HAVING sum(m.n) <> 0
    ORDER BY m.priority, m.bits, m.bucket
    ON CONFLICT (queue, priority, bits, bucket, shard) DO UPDATE SET n = z.n + excluded.n
    RETURNING z.priority, z.bits, z.bucket, z.n
  )
  SELECT (SELECT count(*) FROM moved), array_agg(f.priority), array_agg(f.bits), array_agg(f.bucket)
  INTO v_moved, v_priority, v_bits, v_bucket
  FROM folded f WHERE f.n = 0;
  IF v_priority IS NOT NULL THEN
    DELETE FROM {{schema}}.queued_counts c
    USING unnest(v_priority, v_bits, v_bucket) AS z(priority, bits, bucket)
    WHERE c.queue = p_queue AND c.shard = 0 AND c.priority = z.priority AND c.bits = z.bits
      AND c.bucket = z.bucket AND c.n = 0;
  END IF;
  RETURN v_moved;
END
$fn$;

-- queued_position: the position.sql statement's body (see there): the 1-based position of a
-- queued, ready job among the ready jobs of its queue, summed from queued_counts (since 0017).
--
-- Parameters: $1 the job's id, $2 now (ms), $3 its queue.
-- Returns: one row (pos, grouped), or none when the job is unknown, of another queue, not
--   queued, or scheduled; position is NULL in a grouped queue.
-- Guarantees: a function of its own only to plan it with `jit = off` (PL/pgSQL, so the plan is
--   cached per connection like a prepared statement's). The planner estimates the
--   loose scan over levels at about a hundred rows and the statement's cost past
--   jit_above_cost on ordinary queues, so with JIT on (Postgres's default) every position paid
--   15-25 ms of compilation for a statement that runs in about 1 ms. ROWS 1 keeps the calling
--   statement's own estimate under that threshold. STABLE: it reads one snapshot and writes
--   nothing.
CREATE OR REPLACE FUNCTION {{schema}}.queued_position(p_id text, p_now bigint, p_queue text)
RETURNS TABLE (pos bigint, grouped boolean)
LANGUAGE plpgsql STABLE ROWS 1 SET jit = off AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
WITH RECURSIVE target AS (
  SELECT j.priority, j.run_at, j.seq, coalesce(q.grouped, false) AS grouped
  FROM {{schema}}.jobs j
  LEFT JOIN {{schema}}.queues q ON q.name = j.queue
  WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued' AND j.run_at <= $2
), higher (priority) AS (
  SELECT (SELECT min(c.priority) FROM {{schema}}.queued_counts c WHERE c.queue = $3 AND c.priority > t.priority)
  FROM target t
  UNION ALL
  SELECT (SELECT min(c.priority) FROM {{schema}}.queued_counts c WHERE c.queue = $3 AND c.priority > h.priority)
  FROM higher h WHERE h.priority IS NOT NULL
), bounds (priority, run_at, seq) AS (
  SELECT h.priority, $2::bigint, 9223372036854775807::bigint FROM higher h WHERE h.priority IS NOT NULL
  UNION ALL
  SELECT t.priority, t.run_at, t.seq FROM target t
)
SELECT CASE WHEN t.grouped THEN NULL ELSE (1 + (
  SELECT coalesce(sum(
      (SELECT coalesce(sum(c.n), 0) FROM {{schema}}.queued_counts c
       WHERE c.queue = $3 AND c.priority = b.priority AND c.bits = 22 AND c.bucket < b.run_at >> 22)
    + (SELECT coalesce(sum(c.n), 0) FROM {{schema}}.queued_counts c
       WHERE c.queue = $3 AND c.priority = b.priority AND c.bits = 15
         AND c.bucket >= (b.run_at >> 22) << 7 AND c.bucket < b.run_at >> 15)
    + (SELECT coalesce(sum(c.n), 0) FROM {{schema}}.queued_counts c
       WHERE c.queue = $3 AND c.priority = b.priority AND c.bits = 8
         AND c.bucket >= (b.run_at >> 15) << 7 AND c.bucket < b.run_at >> 8)
    + (SELECT count(*) FROM {{schema}}.jobs a
       WHERE a.queue = $3 AND a.state = 'queued' AND a.grp IS NULL AND a.priority = b.priority
         AND a.run_at >= (b.run_at >> 8) << 8 AND (a.run_at, a.seq) < (b.run_at, b.seq))
  ), 0) FROM bounds b))::bigint END AS position,
  t.grouped
FROM target t;
END
$fn$;
