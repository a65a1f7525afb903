-- schedule-remove: deletes one schedule.
--
-- KEYS[1]  the queue's schedules zset (see schedule-upsert.lua)
-- ARGV[1]  the schedule key
-- @returns 0 | 1
-- Returns: 1 when the schedule existed
-- Events: none.
-- Guarantees: atomic: the hash and its zset entry go together; the jobs it fired stay.
local removed = redis.call('DEL', KEYS[1] .. ':' .. ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
return removed
