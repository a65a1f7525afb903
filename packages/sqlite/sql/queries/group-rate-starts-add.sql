-- group-rate-starts-add: logs :count starts of one named group of a queue at :now.
--
-- @param queue: string
-- @param grp: string
-- @param now: number
-- @param count: number
-- Parameters:
--   :queue  the queue (it has a group rate limit)
--   :grp    the named group (never '')
--   :now    the claim's clock (ms), the jobs' started_at
--   :count  how many jobs of the group the claim leased (>= 1)
-- Returns: nothing.
-- Guarantees: run in the claim's BEGIN IMMEDIATE after its leases (src/claim-grouped.ts), so the
--   starts are committed with the leases or not at all.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO group_rate_starts (queue, grp, at) SELECT :queue, :grp, :now FROM n
