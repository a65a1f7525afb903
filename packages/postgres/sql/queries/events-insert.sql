-- events-insert: journals queue events for other processes and wakes their listeners.
--
-- @param publisher: string
-- @param queues: readonly string[]
-- @param bodies: readonly string[]
-- @param now: number
-- @returns { sent: string; n: number }
-- Parameters: publisher is the storage instance's id; bodies are JSON notices, one per queue.
-- Returns: one row (`sent` the NOTIFY's empty result, n the rows written).
-- Guarantees: one statement, so the rows and the NOTIFY {"k": "event"} commit together; rows
--   keep the array order in id.
WITH ins AS (
  INSERT INTO {{schema}}.events (process_id, queue, body, at)
  SELECT $1, x.queue, x.body::json, $4 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(queue, body, n)
  ORDER BY x.n
  RETURNING 1
)
SELECT pg_notify({{channel}}, '{"k":"event"}') AS sent, (SELECT count(*) FROM ins) AS n
