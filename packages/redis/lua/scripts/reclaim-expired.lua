-- reclaim-expired: moves every running job of the queue whose lease expired before now out of running.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms)
-- ARGV[3]      the error to record, as JSON without its closing brace ('{"name":...,"message":...')
-- @returns JobHash[]
-- @use JobHash from replies
-- Returns: the moved jobs in their new state, by lease expiry
-- Events: none; core publishes job:stalled (and job:failed / job:cancelled) once the script returned.
-- Guarantees: atomic; reads only the expired range of the running set (O(log n + moved)). The
--   queue's config gives maxStalls (absent = 1). A requested cancel ends cancelled (error and
--   attempt untouched); a job whose stalls are below maxStalls (forgiven) is queued again with
--   runAt kept (its place, as a released job) and attempt one lower (never below 0), so the lost
--   attempt is not spent; with attempts left the job is queued again at runAt = now, the back of
--   its priority level; otherwise failed. stalls grows by one in every case. All but the cancelled
--   record the error with the attempt that was lost (before any hand-back) and now. The lease is
--   cleared, so the old owner's settle misses, and taken off its group's running count when one
--   held it (lib/common.lua dropLease). A running entry whose job hash is gone (evicted, or
--   deleted by hand) is dropped with its `all` entry; nothing is written or returned for it.
--! include lib/common.lua

local now, errPrefix = ARGV[2], ARGV[3]
local sep = errPrefix == '{' and '' or ','
local maxStalls = tonumber(redis.call('HGET', K_CONFIG, 'maxStalls') or '1')

-- Moves one expired job on; f = cancelRequested, attempt, maxAttempts, stalls, grun.
local function reclaim(key, id, f)
  local attempt, stalls = tonumber(f[2]), tonumber(f[4] or '0')
  dropLease(key, id, f[5])
  redis.call('HSET', key, 'stalls', int(stalls + 1))
  if f[1] == '1' then return finalize(key, id, 'cancelled', now) end
  redis.call('HSET', key, 'error', errPrefix .. sep .. '"attempt":' .. f[2] .. ',"at":' .. now .. '}')
  if stalls < maxStalls then
    if attempt > 0 then redis.call('HSET', key, 'attempt', int(attempt - 1)) end
    requeue(key, id, redis.call('HGET', key, 'runAt'), now)
  elseif attempt < tonumber(f[3]) then
    requeue(key, id, now, now)
  else
    finalize(key, id, 'failed', now)
  end
end

local moved = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', K_RUNNING, '-inf', '(' .. now)) do
  local key = jobKey(id)
  local f = redis.call('HMGET', key, 'cancelRequested', 'attempt', 'maxAttempts', 'stalls', 'grun')
  if f[2] then
    reclaim(key, id, f)
    moved[#moved + 1] = record(key)
  else
    -- The hash is gone (evicted, or deleted by hand): drop what still names it, write no hash.
    redis.call('ZREM', K_RUNNING, id)
    redis.call('ZREM', K_ALL, id)
  end
end
return moved
