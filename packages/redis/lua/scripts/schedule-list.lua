-- schedule-list: the schedules of a queue whose nextRunAt is at most ARGV[1].
--
-- KEYS[1]  the queue's schedules zset (see schedule-upsert.lua)
-- ARGV[1]  until (ms), or '+inf' for every schedule
-- ARGV[2]  the most schedules to return
-- @returns HashFields[]
-- @use HashFields from replies
-- Returns: one schedule hash per schedule, by nextRunAt then key (byte order)
-- Events: none.
-- Guarantees: reads only, from one consistent state (scripts run one at a time).
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i, key in ipairs(keys) do
  out[i] = redis.call('HGETALL', KEYS[1] .. ':' .. key)
end
return out
