-- schedule-upsert: creates a schedule or replaces its definition.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua
-- KEYS[11]     the queue's schedules zset ('{prefix:queue}:schedules'): score = nextRunAt,
--              member = schedule key; schedule k is the hash KEYS[11] .. ':' .. k (same hash
--              tag), fields queue-less as in ScheduleRecord: cron, tz, every, lastRunAt (absent =
--              null), catchUp, payload and options (JSON), nextRunAt, createdAt, updatedAt
-- ARGV[1]      job key prefix
-- ARGV[2]      the schedule key
-- ARGV[3..5]   cron, tz, every ('' for null)
-- ARGV[6]      catchUp ('none' or 'one')
-- ARGV[7..8]   payload JSON, options JSON
-- ARGV[9]      nextRunAt: the first tick core computed
-- ARGV[10]     now (ms)
-- ARGV[11]     lastRunAt written when the schedule is new ('' for null); a stored one keeps its own
-- @returns HashFields
-- @use HashFields from replies
-- Returns: the schedule hash after the write
-- Events: none.
-- Guarantees: atomic. A stored schedule with the same cron, tz and every keeps its nextRunAt,
--   lastRunAt and createdAt (re-declaring at start loses no due tick); otherwise nextRunAt becomes
--   ARGV[9]. Creates the queue's config when missing.
--! include lib/common.lua

local K_SCHEDULES = KEYS[11]
local key = ARGV[2]
local hash = K_SCHEDULES .. ':' .. key
local old = redis.call('HMGET', hash, 'cron', 'tz', 'every', 'nextRunAt', 'createdAt', 'updatedAt')
local exists = old[4] ~= false
local same = exists and (old[1] or '') == ARGV[3] and (old[2] or '') == ARGV[4] and (old[3] or '') == ARGV[5]
local nextRunAt = ARGV[9]
if same then nextRunAt = old[4] end
local createdAt = ARGV[10]
if exists then createdAt = old[5] end
-- Always forward (by 1 ms within the same ms), so a fire that read the old definition misses.
local updatedAt = ARGV[10]
if exists and old[6] and tonumber(old[6]) >= tonumber(updatedAt) then updatedAt = int(tonumber(old[6]) + 1) end

redis.call('HDEL', hash, 'cron', 'tz', 'every')
local fields = { 'key', key, 'catchUp', ARGV[6], 'payload', ARGV[7], 'options', ARGV[8],
  'nextRunAt', nextRunAt, 'createdAt', createdAt, 'updatedAt', updatedAt }
for i, name in ipairs({ 'cron', 'tz', 'every' }) do
  local value = ARGV[2 + i]
  if value ~= '' then fields[#fields + 1] = name; fields[#fields + 1] = value end
end
if not exists and ARGV[11] ~= '' then fields[#fields + 1] = 'lastRunAt'; fields[#fields + 1] = ARGV[11] end
redis.call('HSET', hash, unpack(fields))
redis.call('ZADD', K_SCHEDULES, nextRunAt, key)
redis.call('HSETNX', K_CONFIG, 'paused', '0')
return redis.call('HGETALL', hash)
