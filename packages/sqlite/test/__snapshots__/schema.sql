-- PRAGMA user_version = 13

CREATE TABLE group_rate_starts (
  queue TEXT    NOT NULL,
  grp   TEXT    NOT NULL,
  at    INTEGER NOT NULL
) STRICT;

CREATE TABLE group_settings (
  queue  TEXT    NOT NULL,
  grp    TEXT    NOT NULL,
  weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
  PRIMARY KEY (queue, grp)
) STRICT, WITHOUT ROWID;

CREATE TABLE group_turns (
  queue    TEXT    NOT NULL,
  grp      TEXT    NOT NULL,
  priority INTEGER NOT NULL,
  turn     INTEGER NOT NULL,
  used     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, grp, priority)
) STRICT, WITHOUT ROWID;

CREATE TABLE housekeeping (
  queue      TEXT    NOT NULL PRIMARY KEY,
  retention  TEXT,
  holder     TEXT,
  expires_at INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE job_samples (
  queue       TEXT    NOT NULL,
  finished_at INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  state       TEXT    NOT NULL CHECK (state = 'completed' OR state = 'failed'),
  priority    INTEGER NOT NULL,
  size        REAL,
  created_at  INTEGER NOT NULL,
  run_at      INTEGER NOT NULL,
  started_at  INTEGER NOT NULL,
  PRIMARY KEY (queue, finished_at, seq)
) STRICT, WITHOUT ROWID;

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
  error            TEXT, stalls INTEGER NOT NULL DEFAULT 0 CHECK (stalls >= 0), traceparent TEXT, webhook TEXT, grp TEXT,
  CHECK ((state IN ('queued', 'running')) = (finished_at IS NULL))
) STRICT;

CREATE TABLE listeners (
  process_id TEXT    NOT NULL,
  queue      TEXT    NOT NULL,
  seen_at    INTEGER NOT NULL,
  PRIMARY KEY (process_id, queue)
) STRICT;

CREATE TABLE notices (
  id         INTEGER PRIMARY KEY,
  process_id TEXT    NOT NULL,
  queue      TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  at         INTEGER NOT NULL
) STRICT;

CREATE TABLE queues (
  name        TEXT PRIMARY KEY,
  concurrency INTEGER CHECK (concurrency IS NULL OR concurrency >= 0),
  max_size    INTEGER CHECK (max_size IS NULL OR max_size >= 0),
  paused      INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  updated_at  INTEGER NOT NULL
, max_stalls INTEGER NOT NULL DEFAULT 1 CHECK (max_stalls >= 0), draining INTEGER NOT NULL DEFAULT 0 CHECK (draining IN (0, 1)), rate_max INTEGER CHECK (rate_max IS NULL OR rate_max > 0), rate_interval_ms INTEGER CHECK (rate_interval_ms IS NULL OR rate_interval_ms > 0), grouped INTEGER NOT NULL DEFAULT 0 CHECK (grouped IN (0, 1)), group_concurrency INTEGER CHECK (group_concurrency IS NULL OR group_concurrency > 0), group_max_waiting INTEGER CHECK (group_max_waiting IS NULL OR group_max_waiting > 0), group_rate_max INTEGER CHECK (group_rate_max IS NULL OR group_rate_max > 0), group_rate_interval_ms INTEGER CHECK (group_rate_interval_ms IS NULL OR group_rate_interval_ms > 0)) STRICT;

CREATE TABLE rate_starts (
  queue TEXT    NOT NULL,
  at    INTEGER NOT NULL
) STRICT;

CREATE TABLE schedules (
  queue       TEXT NOT NULL,
  key         TEXT NOT NULL,
  cron        TEXT,
  tz          TEXT,
  every_ms    INTEGER CHECK (every_ms IS NULL OR every_ms > 0),
  catch_up    TEXT NOT NULL CHECK (catch_up = 'none' OR catch_up = 'one'),
  payload     TEXT NOT NULL,
  options     TEXT NOT NULL,
  next_run_at INTEGER NOT NULL,
  last_run_at INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (queue, key),
  CHECK ((cron IS NULL) <> (every_ms IS NULL))
) STRICT, WITHOUT ROWID;

CREATE TABLE workers (
  id           TEXT    PRIMARY KEY,
  queue        TEXT    NOT NULL,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  concurrency  INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;

CREATE INDEX group_rate_starts_queue_grp_at ON group_rate_starts (queue, grp, at);

CREATE INDEX group_turns_order ON group_turns (queue, priority DESC, turn);

CREATE INDEX jobs_dequeued ON jobs (state, queue, finished_at)
  WHERE state = 'running' OR finished_at IS NOT NULL;

CREATE INDEX jobs_group_running ON jobs (queue, grp)
  WHERE state = 'running' AND grp IS NOT NULL;

CREATE INDEX jobs_grouped ON jobs (queue, priority DESC, grp, run_at, seq, name, size)
  WHERE state = 'queued' AND grp IS NOT NULL;

CREATE UNIQUE INDEX jobs_idempotency ON jobs (queue, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE INDEX jobs_queued ON jobs (queue, priority DESC, run_at, seq, name, size, grp)
  WHERE state = 'queued' AND grp IS NULL;

CREATE INDEX listeners_queue_seen ON listeners (queue, seen_at);

CREATE INDEX notices_at ON notices (at);

CREATE INDEX rate_starts_queue_at ON rate_starts (queue, at);

CREATE INDEX schedules_due ON schedules (queue, next_run_at, key);

CREATE INDEX workers_queue_seen ON workers (queue, last_seen_at);
