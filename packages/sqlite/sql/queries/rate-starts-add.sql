-- rate-starts-add: logs :count starts of a queue at :now.
--
-- @param queue: string
-- @param now: number
-- @param count: number
-- Parameters: :now is the claim's clock (ms), the jobs' started_at; :count how many jobs the claim
--   leased (>= 1).
-- Returns: nothing.
-- Guarantees: run in the claim's BEGIN IMMEDIATE right after claim.sql, so the starts are
--   committed with the leases or not at all.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO rate_starts (queue, at) SELECT :queue, :now FROM n
