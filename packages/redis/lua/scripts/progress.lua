-- progress: writes a running job's progress while its lease is held.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      lease token
-- ARGV[4]      progress JSON ({ percent, stage, data?, updatedAt })
-- @returns ['ok', JobHash] | ['lost']
-- @use JobHash from replies
-- Returns: 'ok' with the job; 'lost' when the lease is not held (nothing written)
-- Events: none; core publishes job:progress once the script returned.
-- Guarantees: atomic; guarded by state = running and the lease token.
--! include lib/common.lua

local id, token = ARGV[2], ARGV[3]
local key = jobKey(id)
if not holds(key, token) then return { 'lost' } end
redis.call('HSET', key, 'progress', ARGV[4])
return { 'ok', record(key) }
