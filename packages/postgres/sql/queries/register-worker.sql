-- register-worker: inserts a worker or refreshes its heartbeat.
--
-- Parameters: $1 id; $2 queue; $3 host; $4 pid; $5 concurrency; $6 now
-- Returns: nothing.
-- Guarantees: started_at is kept on refresh; last_seen_at = now.
INSERT INTO {{schema}}.workers AS w (id, queue, host, pid, concurrency, started_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (id) DO UPDATE SET queue = excluded.queue, host = excluded.host, pid = excluded.pid,
  concurrency = excluded.concurrency, last_seen_at = excluded.last_seen_at
