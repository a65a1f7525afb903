-- 0013_group_rate_limits: the per-group start rate limit of a grouped queue, groupRateLimit
-- (docs/design/groups.md, increment 5): at most group_rate_max starts of any one named group in
-- any group_rate_interval_ms window.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 12.
--
-- Guarantees:
--   * queues.group_rate_max and queues.group_rate_interval_ms are both NULL (no limit, the value
--     existing queues get) or both positive (core validates; upsert-queue.sql writes them
--     together). ADD COLUMN without a default rewrites no row. The default group (ungrouped
--     jobs) is never bound by them.
--   * group_rate_starts logs one row per start of a named group of a queue while the queue has a
--     group rate limit, written by the grouped claim in the same BEGIN IMMEDIATE transaction that
--     leases, after counting the group's rows still in the window: two processes can never both
--     take a group's last token. Rows at or before now - group_rate_interval_ms no longer count;
--     a claim deletes those of each group it reads the log of (group-rate-starts-trim.sql).
--     Removing the limit deletes the queue's rows in the same transaction
--     (group-rate-starts-clear.sql); replacing it keeps them.
--   * group_rate_starts_queue_grp_at (queue, grp, at) serves the count, the trim (one range per
--     group) and the clear (the queue prefix). Queues without the limit write and read nothing
--     here: a new, empty table.
ALTER TABLE queues ADD COLUMN group_rate_max INTEGER CHECK (group_rate_max IS NULL OR group_rate_max > 0);
ALTER TABLE queues ADD COLUMN group_rate_interval_ms INTEGER CHECK (group_rate_interval_ms IS NULL OR group_rate_interval_ms > 0);

CREATE TABLE group_rate_starts (
  queue TEXT    NOT NULL,
  grp   TEXT    NOT NULL,
  at    INTEGER NOT NULL
) STRICT;

CREATE INDEX group_rate_starts_queue_grp_at ON group_rate_starts (queue, grp, at);
