-- list-jobs-desc: one page of a queue's jobs in the given states, newest seq first.
--
-- Parameters: $1 queue; $2 states (text[]); $3 limit; $4 offset; $5 afterSeq (bigint or NULL):
--   when given, only jobs whose seq is < $5 (keyset paging)
-- Returns: `job` rows ordered by seq descending.
-- Guarantees: a read of one snapshot.
SELECT row_to_json(j) AS job FROM {{schema}}.jobs j
WHERE j.queue = $1 AND j.state = ANY ($2::text[]) AND ($5::bigint IS NULL OR j.seq < $5::bigint)
ORDER BY j.seq DESC
LIMIT $3 OFFSET $4
