-- 0007_schedules: schedules (cron or every), one row per queue and key.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 6.
--
-- Guarantees:
--   * (queue, key) is the primary key: one schedule per key in a queue. The table is STRICT.
--   * Exactly one of cron and every_ms is set; tz is set with cron only (core validates and
--     computes every tick; the table only stores them).
--   * payload and options hold JSON text, as core validated them.
--   * next_run_at is the time of the next tick not fired yet; fire-schedule.sql changes it only
--     when it still holds the value the firing process read (a compare-and-set), in the same
--     BEGIN IMMEDIATE transaction that enqueues the tick's job, so each tick fires once.
--   * schedules_due (queue, next_run_at, key) serves due-schedules.sql without a sort.
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

CREATE INDEX schedules_due ON schedules (queue, next_run_at, key);
