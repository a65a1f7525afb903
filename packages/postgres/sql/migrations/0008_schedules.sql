-- 0008_schedules: schedules (cron or every), one row per queue and key.
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others.
--
-- Guarantees:
--   * (queue, key) is the primary key: one schedule per key in a queue.
--   * Exactly one of cron and every_ms is set; tz is set with cron only (core validates and
--     computes every tick; the table only stores them). payload and options hold JSON as core
--     validated it.
--   * next_run_at is the time of the next tick not fired yet; fire-schedule.sql changes it only
--     while it still holds the value the firing process read (a compare-and-set: a second
--     transaction updating the row waits for the first and then finds the value changed), in the
--     same transaction that enqueues the tick's job, so each tick fires once.
--   * schedules_due (queue, next_run_at, key) serves due-schedules.sql in order.
CREATE TABLE {{schema}}.schedules (
  queue       text    NOT NULL,
  key         text    NOT NULL,
  cron        text,
  tz          text,
  every_ms    bigint  CHECK (every_ms IS NULL OR every_ms > 0),
  catch_up    text    NOT NULL CHECK (catch_up IN ('none', 'one')),
  payload     json    NOT NULL,
  options     json    NOT NULL,
  next_run_at bigint  NOT NULL,
  last_run_at bigint,
  created_at  bigint  NOT NULL,
  updated_at  bigint  NOT NULL,
  PRIMARY KEY (queue, key),
  CHECK ((cron IS NULL) <> (every_ms IS NULL))
);

CREATE INDEX schedules_due ON {{schema}}.schedules (queue, next_run_at, key);
