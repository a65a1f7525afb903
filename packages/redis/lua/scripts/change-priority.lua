-- change-priority: changes a queued job's priority; its place among ready jobs follows at once.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      the new priority (1..1000)
-- @returns ['ok', JobHash] | ['missing'] | ['invalid', string]
-- @use JobHash from replies
-- Returns: 'ok' with the job; 'missing'; 'invalid' with the state unless queued (nothing written)
-- Events: none.
-- Guarantees: atomic; a ready job is re-scored in the ready set (same member, so it keeps its seq
--   tie-break); a scheduled job moves to its new level's scheduled set; a job of a named group
--   moves to its group's sets of the new level. In a grouped queue the job's group joins the new
--   level's turns when it holds no stamp there; the old level's stamp stays.
--! include lib/common.lua

local id, priority = ARGV[2], ARGV[3]
local key = jobKey(id)
local f = redis.call('HMGET', key, 'state', 'runAt', 'seq', 'priority', 'group')
if not f[1] then return { 'missing' } end
if f[1] ~= 'queued' then return { 'invalid', f[1] } end
if f[5] then
  unplaceQueued(key, id)
  redis.call('HSET', key, 'priority', priority)
  placeGrouped(member(f[3], id), priority, f[2], f[5])
  return { 'ok', record(key) }
end
redis.call('HSET', key, 'priority', priority)
if isGrouped() then joinTurn(priority, DEFAULT_GROUP) end
local m = member(f[3], id)
if redis.call('ZSCORE', K_READY, m) then
  redis.call('ZADD', K_READY, readyScore(priority, f[2]), m)
else
  unschedule(f[4], m)
  schedule(priority, f[2], m)
end
return { 'ok', record(key) }
