-- register-worker: registers a worker, or refreshes its heartbeat when it is known.
--
-- @param id: string
-- @param queue: string
-- @param host: string
-- @param pid: number
-- @param concurrency: number
-- @param now: number
-- Parameters: :now is the caller's clock (ms).
-- Returns: nothing.
-- Guarantees: one upsert; started_at is set once, on the first registration; last_seen_at and
--   the descriptive fields follow every call.
INSERT INTO workers (id, queue, host, pid, concurrency, started_at, last_seen_at)
VALUES (:id, :queue, :host, :pid, :concurrency, :now, :now)
ON CONFLICT (id) DO UPDATE SET
  queue = excluded.queue,
  host = excluded.host,
  pid = excluded.pid,
  concurrency = excluded.concurrency,
  last_seen_at = excluded.last_seen_at
