-- 0013_group_limits: per-group caps of a grouped queue (docs/design/groups.md, increment 4):
-- groupConcurrency bounds each named group's running jobs at claims, groupMaxWaiting each named
-- group's queued jobs at adds.
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others. Raising the version also makes the
-- migrator re-create sql/functions: claim() passes the cap to claim_grouped(), which skips a
-- capped group, and enqueue() checks the waiting cap.
--
-- Guarantees:
--   * queues.group_concurrency and queues.group_max_waiting are NULL (no cap, every queue
--     written before) or positive. Ungrouped jobs (grp NULL, the default group) are never capped.
--   * jobs_group_running (queue, grp) holds the running jobs of named groups only: a claim probes
--     a group's running count with a LIMIT cap seek there. jobs_group_queued (queue, grp) holds
--     the queued jobs (ready and scheduled, every level) of named groups only: an add counts a
--     group's waiting jobs with one bounded seek there (jobs_grouped leads with priority, so it
--     cannot count a group across levels). Ungrouped jobs write an entry in neither.
--   * claim_grouped() gains the parameter p_cap (the queue's group_concurrency, read by claim()
--     with the queue row it locks): the old signature is dropped here (IF EXISTS: a schema created
--     from scratch applies every migration before sql/functions creates any function) and the new
--     one created by sql/functions/groups-claim.sql. Its other guarantees hold as in 0012.
--   * Both indexes are built with a plain CREATE INDEX in the migration's transaction: they block
--     writes to jobs while they build, as 0012 did (the entries are the grouped jobs only).
ALTER TABLE {{schema}}.queues ADD COLUMN group_concurrency integer
  CHECK (group_concurrency IS NULL OR group_concurrency > 0);
ALTER TABLE {{schema}}.queues ADD COLUMN group_max_waiting integer
  CHECK (group_max_waiting IS NULL OR group_max_waiting > 0);

CREATE INDEX jobs_group_running ON {{schema}}.jobs (queue, grp) WHERE state = 'running' AND grp IS NOT NULL;
CREATE INDEX jobs_group_queued ON {{schema}}.jobs (queue, grp) WHERE state = 'queued' AND grp IS NOT NULL;

DROP FUNCTION IF EXISTS {{schema}}.claim_grouped(text, bigint, text, bigint, bigint, text);
