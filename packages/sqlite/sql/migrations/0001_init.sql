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
--   * jobs_claim_order (queue, state, priority DESC, run_at, seq, name, size) is the one ordering
--     index: the claim's ORDER BY walks it, the position count is index-only on it, and the ETA's
--     ahead-work aggregate (count and size sum by name) is index-only too, because name and size
--     ride along at the end.
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
  queue            TEXT    NOT NULL REFERENCES queues (name),
  name             TEXT    NOT NULL,
  payload          TEXT    NOT NULL,
  state            TEXT    NOT NULL
                   CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
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
  error            TEXT
) STRICT;

-- Claim order, position count and ahead-work aggregate (see the header).
CREATE INDEX jobs_claim_order ON jobs (queue, state, priority DESC, run_at, seq, name, size);

-- Idempotent adds: one job per (queue, key).
CREATE UNIQUE INDEX jobs_idempotency ON jobs (queue, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- reclaimExpired: running jobs by lease expiry.
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state = 'running';

-- Statistics and cleanup: finished jobs by queue, state and finish time.
CREATE INDEX jobs_finished ON jobs (queue, state, finished_at) WHERE finished_at IS NOT NULL;

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
