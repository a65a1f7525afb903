-- promote: makes a scheduled job ready now.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- @returns ['ok', JobHash] | ['missing'] | ['invalid', string]
-- @use JobHash from replies
-- Returns: 'ok' with the job; 'missing'; 'invalid' with the state unless queued (nothing written)
-- Events: none; core publishes the `added` wake-up once the script returned.
-- Guarantees: atomic; runAt only moves earlier (runAt = min(runAt, now)), so a ready job is
--   returned unchanged and a promoted one joins the back of its priority level.
--! include lib/common.lua

local id, now = ARGV[2], ARGV[3]
local key = jobKey(id)
local f = redis.call('HMGET', key, 'state', 'runAt')
if not f[1] then return { 'missing' } end
if f[1] ~= 'queued' then return { 'invalid', f[1] } end
if tonumber(f[2]) > tonumber(now) then redis.call('HSET', key, 'runAt', now) end
unplaceQueued(key, id)
placeQueued(key, id, now)
return { 'ok', record(key) }
