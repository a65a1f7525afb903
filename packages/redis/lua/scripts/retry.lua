-- retry: moves a failed or cancelled job back to queued by hand, its attempts and stalls reset.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- ARGV[4]      runAt (ms): now, or later to schedule the job
-- @returns ['ok', JobHash] | ['missing'] | ['invalid', string] | ['draining'] | ['full', string] | ['groupFull', string, string]
-- @use JobHash from replies
-- Returns: 'ok' with the job in its new state; 'missing'; 'invalid' with the state unless failed
--   or cancelled; then, as enqueue.lua refuses an add of the job: 'draining' when the queue's
--   config has draining = '1'; 'full' with maxSize when the queued jobs (ready and scheduled)
--   already number maxSize; 'groupFull' with the group and groupMaxWaiting when the job's named
--   group already holds that many queued jobs. Nothing is written unless 'ok'.
-- Events: none; core publishes the `added` wake-up once the script returned.
-- Guarantees: atomic. The job re-enters at the back of its priority level (runAt = ARGV[4]); its
--   last error and startedAt stay for inspection; lease, cancel request and finishedAt are cleared.
--! include lib/common.lua

local id, now, runAt = ARGV[2], ARGV[3], ARGV[4]
local key = jobKey(id)
local state = redis.call('HGET', key, 'state')
if not state then return { 'missing' } end
if state ~= 'failed' and state ~= 'cancelled' then return { 'invalid', state } end
-- A retry puts the job back among the waiting ones: refused where an add of it would be.
local config = redis.call('HMGET', K_CONFIG, 'maxSize', 'groupMaxWaiting', 'draining')
if config[3] == '1' then return { 'draining' } end
if config[1] then
  local waiting = redis.call('ZCARD', K_READY) + scheduledCounts('-inf') + groupedCounts('-inf')
  if waiting + 1 > tonumber(config[1]) then return { 'full', config[1] } end
end
local group = redis.call('HGET', key, 'group')
if config[2] and group and groupQueued(group) + 1 > tonumber(config[2]) then return { 'groupFull', group, config[2] } end
redis.call('ZREM', K_FINAL[state], id)
redis.call('HSET', key, 'attempt', 0, 'stalls', 0)
redis.call('HDEL', key, 'leaseToken', 'leaseExpiresAt', 'cancelRequested')
requeue(key, id, runAt, now)
return { 'ok', record(key) }
