-- 0011_group_limits: the per-group caps of a grouped queue, groupConcurrency and groupMaxWaiting
-- (docs/design/groups.md, increment 4).
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 10.
--
-- Guarantees:
--   * queues.group_concurrency is the most running jobs of any one named group, and
--     queues.group_max_waiting the most queued jobs (ready or scheduled, every level) of any one
--     named group; NULL (the value existing queues get) is no cap. Both positive when set (core
--     validates; upsert-queue.sql writes them). The default group (ungrouped jobs) has no cap.
--     ADD COLUMN without a default rewrites no row.
--   * jobs_group_running (queue, grp) WHERE state = 'running' AND grp IS NOT NULL serves
--     group-running.sql: a group's running count, index-only, bounded by the cap in a claim. Only
--     running jobs of a named group have an entry (written at the claim, removed at the settle),
--     so ungrouped jobs and queued jobs pay nothing. Building it reads the jobs table once.
--   * No index is added to count a group's queued jobs: group-queued-bounded.sql walks the
--     group's levels on the group_turns primary key (queue, grp, priority) and counts each level
--     on jobs_grouped (queue, priority, grp). A queued job of a named group always holds its
--     group's stamp at its level (every transition to queued runs turn-join; only the claim that
--     takes a group's last queued job at a level deletes the stamp), so the count is exact. It
--     costs one seek per level the group holds a stamp at plus at most group_max_waiting + 1
--     entries, and only adds of a queue with group_max_waiting run it; an index
--     (queue, grp) WHERE state = 'queued' would cost an entry write at every grouped add and a
--     delete at every grouped claim, in every grouped queue, capped or not.
ALTER TABLE queues ADD COLUMN group_concurrency INTEGER CHECK (group_concurrency IS NULL OR group_concurrency > 0);
ALTER TABLE queues ADD COLUMN group_max_waiting INTEGER CHECK (group_max_waiting IS NULL OR group_max_waiting > 0);

CREATE INDEX jobs_group_running ON jobs (queue, grp)
  WHERE state = 'running' AND grp IS NOT NULL;
