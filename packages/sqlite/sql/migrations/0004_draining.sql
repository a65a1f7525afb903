-- 0004_draining: a queue can drain: it refuses every add while workers finish what is queued.
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 3.
--
-- Guarantees:
--   * queues.draining (0 or 1) is stored like paused, so every process's add sees it: add-job.sql
--     writes nothing on a draining queue and src/enqueue.ts then refuses the add with
--     QueueDrainingError, inside the same write transaction that checks max_size. Existing and
--     new queues are not draining. ADD COLUMN with a constant default rewrites no row.
ALTER TABLE queues ADD COLUMN draining INTEGER NOT NULL DEFAULT 0 CHECK (draining IN (0, 1));
