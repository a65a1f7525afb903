-- 0017_queued_counts: counts of the queued, ungrouped jobs per queue, priority and run_at bucket,
-- kept by triggers, so a position is a sum of a few hundred counts and a count of one short
-- range of jobs_queued instead of a count of every job ahead (issue 12/13: a position at the
-- back of 100,000 waiting jobs counted 100,000 index entries, 12-22 ms).
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others. Raising the version also makes the
-- migrator create sql/functions/positions.sql (queued_position, fold_queued_counts).
--
-- Guarantees:
--   * For every queue q, priority p, bits b in (8, 15, 22) and bucket k, the sum of n over the
--     rows (q, p, b, k, *) is the number of jobs with queue q, state 'queued', grp NULL,
--     priority p and run_at >> b = k, in every snapshot: the triggers run in the transaction of
--     the statement that changed the jobs, whatever wrote them (an add, a claim, a settle, an
--     import, a removal, SQL typed by hand). A bucket of bits b covers 2^b ms of run_at: 256 ms,
--     about 33 s and about 70 min; each holds 128 of the next smaller.
--   * shard is the pg_backend_pid() of the writer, so two open transactions update the same row
--     only when one of them was left prepared (PREPARE TRANSACTION) on a connection that then
--     writes again: do not add jobs inside prepared transactions. Adds on different connections
--     never wait for each other. A row may hold a negative
--     n (a job counted in by one connection and out by another); only the sum is meaningful.
--     fold_queued_counts() (run by the holder of a queue's housekeeping lease) moves the rows it
--     can lock without waiting into shard 0 and deletes the rows left at 0; after this
--     migration's backfill, shard 0 is written by it alone (and emptied by a TRUNCATE).
--   * An add, a claim and a settle pay one more statement-level trigger per statement that
--     changes jobs: it upserts three rows per bucket touched (one per bits), grouped, so a batch
--     of 1,000 jobs in one bucket writes three rows, not 3,000.
--   * TRUNCATE of jobs truncates the counts (waiting for a fold in flight).
--   * The backfill runs after the triggers are created: CREATE TRIGGER takes a lock that waits for
--     every writer of jobs in flight and holds off new ones until this transaction commits, and
--     the migrator runs READ COMMITTED (src/migrate.ts), so the backfill's snapshot is taken after
--     that lock: no job is counted twice or missed.
--   * Rebuilding the counts by hand (after writing jobs with the triggers disabled): run
--     `DELETE FROM queued_counts` and the backfill below in one transaction that first takes
--     `LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE`.
CREATE TABLE {{schema}}.queued_counts (
  queue    text     NOT NULL,
  priority integer  NOT NULL,
  bits     smallint NOT NULL CHECK (bits IN (8, 15, 22)),
  bucket   bigint   NOT NULL,
  shard    integer  NOT NULL,
  n        bigint   NOT NULL,
  PRIMARY KEY (queue, priority, bits, bucket, shard)
) WITH (fillfactor = 50);

CREATE INDEX queued_counts_unfolded ON {{schema}}.queued_counts (queue) WHERE shard <> 0;

-- The trigger function: +1 for each queued, ungrouped row of the statement's new rows, -1 for
-- each of its old rows, summed per (queue, priority, bits, bucket); rows that cancel out (an
-- update of a queued job that kept its queue, priority and run_at bucket) write nothing. Rows
-- are upserted in key order.
CREATE FUNCTION {{schema}}.queued_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {{schema}}.queued_counts AS c (queue, priority, bits, bucket, shard, n)
    SELECT d.queue, d.priority, s.bits, d.run_at >> s.bits, pg_backend_pid(), count(*)
    FROM new_rows d CROSS JOIN (VALUES (8::smallint), (15::smallint), (22::smallint)) s(bits)
    WHERE d.state = 'queued' AND d.grp IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (queue, priority, bits, bucket, shard) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {{schema}}.queued_counts AS c (queue, priority, bits, bucket, shard, n)
    SELECT d.queue, d.priority, s.bits, d.run_at >> s.bits, pg_backend_pid(), -count(*)
    FROM old_rows d CROSS JOIN (VALUES (8::smallint), (15::smallint), (22::smallint)) s(bits)
    WHERE d.state = 'queued' AND d.grp IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (queue, priority, bits, bucket, shard) DO UPDATE SET n = c.n + excluded.n;
  ELSE
    INSERT INTO {{schema}}.queued_counts AS c (queue, priority, bits, bucket, shard, n)
    SELECT d.queue, d.priority, s.bits, d.run_at >> s.bits, pg_backend_pid(), sum(d.delta)
    FROM (
      SELECT x.queue, x.priority, x.run_at, 1 AS delta FROM new_rows x WHERE x.state = 'queued' AND x.grp IS NULL
      UNION ALL
      SELECT x.queue, x.priority, x.run_at, -1 FROM old_rows x WHERE x.state = 'queued' AND x.grp IS NULL
    ) d CROSS JOIN (VALUES (8::smallint), (15::smallint), (22::smallint)) s(bits)
    GROUP BY 1, 2, 3, 4 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (queue, priority, bits, bucket, shard) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  RETURN NULL;
END
$fn$;

-- TRUNCATE, not DELETE: it waits for every transaction that holds rows of the counts (a fold in
-- flight) and empties the table whatever they committed; a DELETE would miss rows a fold
-- inserted after its snapshot (and could deadlock with it).
CREATE FUNCTION {{schema}}.queued_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE {{schema}}.queued_counts;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER jobs_queued_counts_insert AFTER INSERT ON {{schema}}.jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.queued_counts_apply();
CREATE TRIGGER jobs_queued_counts_update AFTER UPDATE ON {{schema}}.jobs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.queued_counts_apply();
CREATE TRIGGER jobs_queued_counts_delete AFTER DELETE ON {{schema}}.jobs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.queued_counts_apply();
CREATE TRIGGER jobs_queued_counts_truncate AFTER TRUNCATE ON {{schema}}.jobs
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.queued_counts_truncate();

INSERT INTO {{schema}}.queued_counts (queue, priority, bits, bucket, shard, n)
SELECT j.queue, j.priority, s.bits, j.run_at >> s.bits, 0, count(*)
FROM {{schema}}.jobs j CROSS JOIN (VALUES (8::smallint), (15::smallint), (22::smallint)) s(bits)
WHERE j.state = 'queued' AND j.grp IS NULL
GROUP BY 1, 2, 3, 4;
