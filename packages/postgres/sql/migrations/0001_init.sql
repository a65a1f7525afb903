-- 0001_init: the first schema of @waitline/postgres: queues, jobs, workers, the event journal,
-- and (until sql/functions/ took them) the three functions that make add, claim and settle-and-claim
-- one round trip each.
--
-- `{{schema}}` is replaced by the quoted schema name and `{{channel}}` by the quoted NOTIFY
-- channel ('waitline:<schema>') before this runs (src/sql.ts). Applied by src/migrate.ts in one
-- transaction under an advisory lock, with its row in {{schema}}.migrations written in the same
-- transaction: several processes starting at once apply it exactly once.
--
-- Guarantees:
--   * Times are bigint milliseconds since the Unix epoch, as core passes them (`now`): every
--     host writes the same kind of number, and the contract suite controls time.
--   * payload, backoff, progress, result and error are `json`, not `jsonb`: the text a caller
--     stored is the text read back (key order, number spelling, \u0000 in strings).
--   * jobs.seq comes from an identity sequence with CACHE 1, so seq follows the order in which
--     inserts ran across every session: the ordering rule's last key.
--   * Every job is in exactly one of two partial indexes (as in @waitline/sqlite):
--       - jobs_queued (queue, priority DESC, run_at, seq) INCLUDE (name, size) WHERE queued: the
--         claim walks it in order, and the position count and the ETA's ahead-work aggregate are
--         index-only scans of it;
--       - jobs_dequeued (state, queue, finished_at) WHERE running or finished: the concurrency
--         count, lease sweeps, statistics and cleanup.
--     The CHECK (state in queued/running) = (finished_at IS NULL) keeps them apart and complete.
--   * jobs.queue names a queues row without a FOREIGN KEY (it would need one more index holding
--     every job): enqueue() creates the row first, and queue rows are never deleted.
--   * An idempotency key is unique within its queue, in any state.
--   * autovacuum runs on jobs after 1% of its rows changed (not 20%): a job table is rewritten
--     constantly, and index-only position counts need the visibility map kept current.

CREATE TABLE {{schema}}.queues (
  name        text PRIMARY KEY,
  concurrency integer CHECK (concurrency IS NULL OR concurrency >= 0),
  max_size    integer CHECK (max_size IS NULL OR max_size >= 0),
  paused      boolean NOT NULL DEFAULT false,
  updated_at  bigint  NOT NULL
);

CREATE TABLE {{schema}}.jobs (
  id               text    PRIMARY KEY,
  seq              bigint  NOT NULL GENERATED ALWAYS AS IDENTITY (CACHE 1),
  queue            text    NOT NULL,
  name             text    NOT NULL,
  payload          json    NOT NULL,
  state            text    NOT NULL
                   CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  priority         integer NOT NULL,
  run_at           bigint  NOT NULL,
  attempt          integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL,
  backoff          json,
  timeout_ms       bigint,
  size             double precision,
  idempotency_key  text,
  created_at       bigint  NOT NULL,
  started_at       bigint,
  finished_at      bigint,
  lease_token      text,
  lease_expires_at bigint,
  worker_id        text,
  cancel_requested boolean NOT NULL DEFAULT false,
  progress         json,
  result           json,
  error            json,
  CHECK ((state IN ('queued', 'running')) = (finished_at IS NULL))
) WITH (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02
);

CREATE INDEX jobs_queued ON {{schema}}.jobs (queue, priority DESC, run_at, seq) INCLUDE (name, size)
  WHERE state = 'queued';

CREATE INDEX jobs_dequeued ON {{schema}}.jobs (state, queue, finished_at)
  WHERE state = 'running' OR finished_at IS NOT NULL;

CREATE UNIQUE INDEX jobs_idempotency ON {{schema}}.jobs (queue, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE {{schema}}.workers (
  id           text    PRIMARY KEY,
  queue        text    NOT NULL,
  host         text    NOT NULL,
  pid          integer NOT NULL,
  concurrency  integer NOT NULL,
  started_at   bigint  NOT NULL,
  last_seen_at bigint  NOT NULL
);

CREATE INDEX workers_queue_seen ON {{schema}}.workers (queue, last_seen_at);

-- Processes that want queue events from other processes (a QueueEvents): refreshed every second
-- while they listen; publishers journal a queue's events only while one of them is live.
CREATE TABLE {{schema}}.listeners (
  process_id text   NOT NULL,
  queue      text   NOT NULL,
  seen_at    bigint NOT NULL,
  PRIMARY KEY (process_id, queue)
);

-- The event journal: readers take rows whose writing transaction is older than every running
-- one (tx < pg_snapshot_xmin), ordered by (tx, id), so a row committed late is never skipped.
CREATE TABLE {{schema}}.events (
  tx         xid8   NOT NULL DEFAULT pg_current_xact_id(),
  id         bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  process_id text   NOT NULL,
  queue      text   NOT NULL,
  body       json   NOT NULL,
  at         bigint NOT NULL,
  PRIMARY KEY (tx, id)
);

CREATE INDEX events_at ON {{schema}}.events (at);

-- enqueue(), claim() and settle() are defined in sql/functions/ (run after the migrations).
