-- register-worker: inserts a worker or refreshes its heartbeat.
--
-- @param id: string
-- @param queue: string
-- @param host: string
-- @param pid: number
-- @param concurrency: number
-- @param now: number
-- Guarantees: started_at is kept on refresh; last_seen_at = now.
INSERT INTO {{schema}}.workers AS w (id, queue, host, pid, concurrency, started_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (id) DO UPDATE SET queue = excluded.queue, host = excluded.host, pid = excluded.pid,
  concurrency = excluded.concurrency, last_seen_at = excluded.last_seen_at
