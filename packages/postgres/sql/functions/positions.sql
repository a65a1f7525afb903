-- fold_queued_counts: folds a queue's per-connection rows of queued_counts (since 0017) into
-- shard 0 and drops the shard-0 rows it brought to 0, so a position reads few rows.
--
-- Parameters: p_queue; p_limit, the most rows moved in one call.
-- Returns: the number of rows moved (0 when there was nothing to fold).
-- Guarantees: the sums per (queue, priority, bits, bucket) are unchanged in every snapshot: one
--   statement deletes the moved rows and adds their sums to shard 0. A row that another
--   transaction holds (a writer's trigger in flight) is skipped, never waited for, so a fold
--   cannot stall an add, a claim or a settle; that writer waits at most for the fold's own
--   statement when it touches a row being moved. Shard 0 is written only here: callers are the
--   holders of a queue's housekeeping lease, one at a time, and rows are written in key order.
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
