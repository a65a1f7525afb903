-- 0010_retention: retention of finished jobs: the per-queue housekeeping row (stored retention
-- policy and housekeeping lease) and the per-queue store of pruned jobs' ETA samples.
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others.
--
-- Guarantees:
--   * housekeeping holds one row per queue with a stored policy or a lease: retention is the
--     policy as core validated it (JSON) or NULL (keep everything); holder and expires_at are the
--     housekeeping lease, changed only by take-housekeeping-lease.sql's compare-and-set (a second
--     transaction waits on the row lock and re-checks the condition), so one holder at a time.
--   * job_samples keeps, per queue, the ETA fields of completed and failed jobs deleted by a
--     prune or a clean, at most the sample limit the reads use (trim-samples.sql runs in the
--     deleting transaction). Its key (queue, finished_at, seq) serves recent-finished.sql
--     backwards and the trim. Only the prune path writes it: adds, claims, settles never do.
CREATE TABLE {{schema}}.housekeeping (
  queue      text   NOT NULL PRIMARY KEY,
  retention  json,
  holder     text,
  expires_at bigint NOT NULL DEFAULT 0
);

CREATE TABLE {{schema}}.job_samples (
  queue       text    NOT NULL,
  finished_at bigint  NOT NULL,
  seq         bigint  NOT NULL,
  name        text    NOT NULL,
  state       text    NOT NULL CHECK (state IN ('completed', 'failed')),
  priority    integer NOT NULL,
  size        double precision,
  created_at  bigint  NOT NULL,
  run_at      bigint  NOT NULL,
  started_at  bigint  NOT NULL,
  PRIMARY KEY (queue, finished_at, seq)
);
