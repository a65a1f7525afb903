-- 0002_notices: a journal that carries queue events between processes, written only on demand.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 1.
--
-- Guarantees:
--   * listeners holds one row per (process, queue) with a QueueEvents subscribed across processes,
--     refreshed every second; a row not refreshed for a few seconds belongs to a gone process.
--   * notices holds events for those listeners only: a process journals an event only while a
--     live listener of another process wants its queue, so a queue nobody watches from elsewhere
--     pays nothing. Rows are pruned after a minute; readers read by id (the rowid) ranges.

CREATE TABLE listeners (
  process_id TEXT    NOT NULL,
  queue      TEXT    NOT NULL,
  seen_at    INTEGER NOT NULL,
  PRIMARY KEY (process_id, queue)
) STRICT;

-- Is anyone else listening to this queue: by queue, then freshness.
CREATE INDEX listeners_queue_seen ON listeners (queue, seen_at);

CREATE TABLE notices (
  id         INTEGER PRIMARY KEY,
  process_id TEXT    NOT NULL,
  queue      TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  at         INTEGER NOT NULL
) STRICT;

-- Pruning by age.
CREATE INDEX notices_at ON notices (at);
