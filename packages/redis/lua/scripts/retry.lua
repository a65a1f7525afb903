-- retry: moves a failed or cancelled job back to queued by hand, its attempts and stalls reset.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- ARGV[4]      runAt (ms): now, or later to schedule the job
-- @returns ['ok', JobHash] | ['missing'] | ['invalid', string]
-- @use JobHash from replies
-- Returns: 'ok' with the job in its new state; 'missing'; 'invalid' with the state unless failed
--   or cancelled (nothing written)
-- Events: none; core publishes the `added` wake-up once the script returned.
-- Guarantees: atomic. The job re-enters at the back of its priority level (runAt = ARGV[4]); its
--   last error and startedAt stay for inspection; lease, cancel request and finishedAt are cleared.
--! include lib/common.lua

local id, now, runAt = ARGV[2], ARGV[3], ARGV[4]
local key = jobKey(id)
local state = redis.call('HGET', key, 'state')
if not state then return { 'missing' } end
if state ~= 'failed' and state ~= 'cancelled' then return { 'invalid', state } end
redis.call('ZREM', K_FINAL[state], id)
redis.call('HSET', key, 'attempt', 0, 'stalls', 0)
redis.call('HDEL', key, 'leaseToken', 'leaseExpiresAt', 'cancelRequested')
requeue(key, id, runAt, now)
return { 'ok', record(key) }
