-- register-worker: registers a worker, or refreshes it keeping its first startedAt.
--
-- KEYS[1]      the prefix's workers hash ('prefix:workers'): worker id -> JSON
-- ARGV[1]      worker id
-- ARGV[2]      now (ms): startedAt on the first registration
-- ARGV[3]      the worker as JSON without startedAt ('{"id":...,"lastSeenAt":...}')
-- @returns null
-- Returns: nothing (false, which the client reads as null).
-- Events: none.
-- Guarantees: atomic upsert of one hash field; startedAt is set once, every other field follows
--   the call.
local previous = redis.call('HGET', KEYS[1], ARGV[1])
local startedAt = previous and string.match(previous, '"startedAt":([%-%d%.eE+]+)') or ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], '{"startedAt":' .. startedAt .. ',' .. string.sub(ARGV[3], 2))
return false
