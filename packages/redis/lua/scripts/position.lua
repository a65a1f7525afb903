-- position: a job's 1-based position among its queue's ready jobs, in O(log n).
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- Returns: { 'ok', rank } (0-based: position - 1); { 'none' } when the job is not queued and
--          ready at now; { 'missing' } for an unknown id
-- Events: none.
-- Guarantees: scheduled jobs due at now are moved to the ready set first (each moves once in its
--   life), so ZRANK counts exactly the ready jobs that sort before the job by the ordering rule.
--! include lib/common.lua

local id, now = ARGV[2], ARGV[3]
local key = jobKey(id)
local f = redis.call('HMGET', key, 'state', 'runAt', 'seq')
if not f[1] then return { 'missing' } end
if f[1] ~= 'queued' or tonumber(f[2]) > tonumber(now) then return { 'none' } end
promoteDue(now)
local rank = redis.call('ZRANK', K_READY, member(f[3], id))
if not rank then return { 'none' } end
return { 'ok', rank }
