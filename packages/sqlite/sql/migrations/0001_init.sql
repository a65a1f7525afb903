-- 0001_init: the first schema of @waitline/sqlite (queues, jobs, workers and their indexes).
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is below 1; the
-- migrator raises user_version in the same transaction, so a crash leaves version and schema
-- consistent and two processes migrating at once apply it exactly once.
--
-- Guarantees:
--   * Tables are STRICT: a value of the wrong type is an error, never silently stored.
--   * Times are integer milliseconds since the Unix epoch; payload, backoff, progress, result and
--     error hold JSON text (NULL for a missing value).
--   * jobs.seq is the rowid: each insert gets one more than the largest stored, so insertion order
--     (the ordering rule's last key) is total among stored jobs. It is not AUTOINCREMENT: that
--     costs a write to sqlite_sequence per insert (about a third of an add), and the ordering rule
--     only compares jobs that are stored together.
--   * Every job is in exactly one of two partial indexes, and a job only moves between them when
--     it is claimed or goes back to queued, so a transition rewrites as few index entries (and
--     pages) as possible:
--       - jobs_queued (queue, priority DESC, run_at, seq, name, size) WHERE state = 'queued' is
--         the ordering index: the claim's ORDER BY walks it, the position count is index-only on
--         it, and so is the ETA's ahead-work aggregate (count and size sum by name), because name
--         and size ride along at the end. Adds append to it; a claim deletes its entry.
--       - jobs_dequeued (state, queue, finished_at) WHERE state = 'running' OR finished_at IS NOT
--         NULL holds the running and the finished jobs: the concurrency count, lease sweeps and
--         renewals, statistics, recent finishes and cleanup read it. A job that completes moves
--         from ('running', queue, NULL) to the end of ('completed', queue, finished_at): usually
--         the same page.
--     The CHECK (state IN ('queued', 'running')) = (finished_at IS NULL) keeps the two sets apart
--     and complete: a job in a final state always has finished_at.
--   * CHECK lists are written with OR: SQLite evaluates an IN list of more than two constants
--     through a temporary table built for every row written.
--   * jobs.queue names a queues row, but without a FOREIGN KEY (it would need an index on
--     jobs(queue) holding every job, rewritten on every transition): every insert creates or
--     checks the queue row in the same statement or transaction (add-job.sql, ensure-queue.sql),
--     and queue rows are never deleted.
--   * An idempotency key is unique within its queue (any state).

CREATE TABLE queues (
  name        TEXT PRIMARY KEY,
  concurrency INTEGER CHECK (concurrency IS NULL OR concurrency >= 0),
  max_size    INTEGER CHECK (max_size IS NULL OR max_size >= 0),
  paused      INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE jobs (
  seq              INTEGER PRIMARY KEY,
  id               TEXT    NOT NULL UNIQUE,
  queue            TEXT    NOT NULL,
  name             TEXT    NOT NULL,
  payload          TEXT    NOT NULL,
  state            TEXT    NOT NULL
                   CHECK (state = 'queued' OR state = 'running' OR state = 'completed'
                          OR state = 'failed' OR state = 'cancelled'),
  priority         INTEGER NOT NULL,
  run_at           INTEGER NOT NULL,
  attempt          INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL,
  backoff          TEXT,
  timeout_ms       INTEGER,
  size             REAL,
  idempotency_key  TEXT,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  lease_token      TEXT,
  lease_expires_at INTEGER,
  worker_id        TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  progress         TEXT,
  result           TEXT,
  error            TEXT,
  CHECK ((state IN ('queued', 'running')) = (finished_at IS NULL))
) STRICT;

-- Queued jobs in claim order: claim, position, ahead-work, maxSize count (see the header).
CREATE INDEX jobs_queued ON jobs (queue, priority DESC, run_at, seq, name, size)
  WHERE state = 'queued';

-- Running and finished jobs by state, queue and finish time (see the header).
CREATE INDEX jobs_dequeued ON jobs (state, queue, finished_at)
  WHERE state = 'running' OR finished_at IS NOT NULL;

-- Idempotent adds: one job per (queue, key).
CREATE UNIQUE INDEX jobs_idempotency ON jobs (queue, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE workers (
  id           TEXT    PRIMARY KEY,
  queue        TEXT    NOT NULL,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  concurrency  INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;

-- Live workers of a queue: last_seen_at within the stale window.
CREATE INDEX workers_queue_seen ON workers (queue, last_seen_at);
