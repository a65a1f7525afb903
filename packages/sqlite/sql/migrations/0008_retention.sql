-- 0008_retention: retention of finished jobs: the per-queue housekeeping row (stored retention
-- policy and housekeeping lease) and the per-queue store of pruned jobs' ETA samples.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 7.
--
-- Guarantees:
--   * housekeeping holds one row per queue that has a stored policy or was ever pruned by lease:
--     retention is the policy as core validated it (JSON text) or NULL (keep everything); holder
--     and expires_at are the housekeeping lease, changed only by take-housekeeping-lease.sql's
--     compare-and-set, so one holder at a time.
--   * job_samples keeps, per queue, the ETA fields of completed and failed jobs deleted by a
--     prune or a clean (at most the sample limit the reads use: the writer trims it in the same
--     transaction). Its key (queue, finished_at, seq) serves recent-finished.sql backwards and the
--     trim without a sort. Only the prune path writes it: adds, claims and settles never do.
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
