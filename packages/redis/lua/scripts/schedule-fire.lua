-- schedule-fire: the compare-and-set of a tick and the enqueue of its job, in one script.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua
-- KEYS[11]     the queue's schedules zset (see schedule-upsert.lua)
-- ARGV[1]      job key prefix
-- ARGV[2]      the schedule key
-- ARGV[3]      expected: the nextRunAt the caller read (the tick being fired)
-- ARGV[4]      the next tick
-- ARGV[5]      now (ms)
-- ARGV[6]      '1' when the tick enqueues a job, '0' when it is skipped
-- ARGV[7]      expected updatedAt (the one the caller read), or '' to compare nextRunAt only
-- ARGV[8..20]  the job, 13 fields as in enqueue.lua (when ARGV[6] is '1')
-- @returns ['missed'] | ['skipped'] | EnqueueReply
-- @use EnqueueReply from replies
-- Returns: 'missed' when the schedule is gone, its nextRunAt is not ARGV[3], or its updatedAt not
--          ARGV[7] (declared again since the caller read it): nothing written;
--          'skipped' for a skipped tick (nextRunAt advanced, lastRunAt kept);
--          the reply of enqueue.lua otherwise: on 'ok' the tick is fired (nextRunAt = ARGV[4],
--          lastRunAt = ARGV[3]); on a refusal ('draining', 'full', 'groupFull', 'duplicate') nothing
--          written
-- Events: none; core publishes job:added and the `added` wake-up once the script returned.
-- Guarantees: atomic (scripts run one at a time), so of several processes firing one tick
--   exactly one finds nextRunAt equal to what it read.
--! include lib/common.lua
--! include lib/enqueue.lua

local hash = KEYS[11] .. ':' .. ARGV[2]
local stored = redis.call('HMGET', hash, 'nextRunAt', 'updatedAt')
if not stored[1] or tonumber(stored[1]) ~= tonumber(ARGV[3]) then return { 'missed' } end
if ARGV[7] ~= '' and tonumber(stored[2]) ~= tonumber(ARGV[7]) then return { 'missed' } end

local reply = { 'skipped' }
if ARGV[6] == '1' then
  reply = enqueueJobs(ARGV, 8, 1, ARGV[5])
  if reply[1] ~= 'ok' then return reply end
  redis.call('HSET', hash, 'lastRunAt', ARGV[3])
end
redis.call('HSET', hash, 'nextRunAt', ARGV[4])
redis.call('ZADD', KEYS[11], ARGV[4], ARGV[2])
return reply
