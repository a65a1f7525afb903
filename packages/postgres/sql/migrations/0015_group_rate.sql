-- 0015_group_rate: per-group rate limits of a grouped queue (docs/design/groups.md, increment 5):
-- groupRateLimit allows at most group_rate_max starts of each named group in any
-- group_rate_interval_ms window, the same sliding window as the queue's rate limit (0011).
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others. Raising the version also makes the
-- migrator re-create sql/functions: claim() reads the limit with the queue row it locks, trims
-- the log and passes the limit to claim_grouped(), which passes over a group without a token and
-- logs each start of a named group; group_next_token() gives a short claim its nextStartAt.
--
-- Guarantees:
--   * queues.group_rate_max and queues.group_rate_interval_ms are both NULL (no limit, every queue
--     written before) or both positive (core validates; upsert-queue.sql writes them together).
--   * group_rate_starts logs one row per start of a named group (never the default group '')
--     while its queue has the limit, written by claim_grouped() in the claim's transaction, under
--     the queue row's FOR UPDATE lock that every grouped claim takes: two claimers of a queue
--     serialise on it, so they never both take a group's last token. Rows at or before
--     now - group_rate_interval_ms are deleted by the queue's next grouped claim; removing the
--     limit deletes every row of the queue (group-rate-starts-clear.sql) in the same transaction.
--   * group_rate_starts_group (queue, grp, at) serves a group's token count (a LIMIT max range
--     seek on the starts inside the window) and its next-token lookup; group_rate_starts_queue_at
--     (queue, at) serves the trim (a range on the expired rows only) and the clear.
--   * claim_grouped() gains p_rate_max and p_rate_ms: its old signature is dropped here (IF
--     EXISTS: a schema created from scratch applies every migration before sql/functions creates
--     any function) and the new one created by sql/functions/groups-claim.sql.
ALTER TABLE {{schema}}.queues ADD COLUMN group_rate_max integer
  CHECK (group_rate_max IS NULL OR group_rate_max > 0);
ALTER TABLE {{schema}}.queues ADD COLUMN group_rate_interval_ms bigint
  CHECK (group_rate_interval_ms IS NULL OR group_rate_interval_ms > 0);

CREATE TABLE {{schema}}.group_rate_starts (
  queue text   NOT NULL,
  grp   text   NOT NULL,
  at    bigint NOT NULL
);

CREATE INDEX group_rate_starts_group ON {{schema}}.group_rate_starts (queue, grp, at);
CREATE INDEX group_rate_starts_queue_at ON {{schema}}.group_rate_starts (queue, at);

DROP FUNCTION IF EXISTS {{schema}}.claim_grouped(text, bigint, text, bigint, bigint, text, integer, boolean);
