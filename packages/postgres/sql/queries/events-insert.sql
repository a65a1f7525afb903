-- events-insert: journals queue events for other processes and wakes their listeners.
--
-- Parameters: $1 publisher id; $2 queues (text[]); $3 bodies (text[] of JSON notices); $4 now
-- Returns: one row.
-- Guarantees: one statement, so the rows and the NOTIFY {"k": "event"} commit together; rows
--   keep the array order in id.
WITH ins AS (
  INSERT INTO {{schema}}.events (process_id, queue, body, at)
  SELECT $1, x.queue, x.body::json, $4 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(queue, body, n)
  ORDER BY x.n
  RETURNING 1
)
SELECT pg_notify({{channel}}, '{"k":"event"}') AS sent, (SELECT count(*) FROM ins) AS n
