-- samples: what the ETA and statistics read about running and finished jobs (needs lib/common.lua).
--
-- runningSamples() -> per running job { id, name, size or false, startedAt, progress JSON or false }
-- recentFinished(state, limit) -> the `limit` most recently finished jobs in `state` (completed or
--   failed), newest first: { name, size or false, runAt, startedAt or false, finishedAt, seq,
--   priority, createdAt }.
--   O(log n + limit): a reverse range on the state's finish-time set.
-- keptSamples(key, limit) -> the `limit` newest samples kept of pruned jobs (the zset `key`, see
--   lib/prune.lua), newest first, as stored members.

local function runningSamples()
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', K_RUNNING, 0, -1)) do
    local f = redis.call('HMGET', jobKey(id), 'name', 'size', 'startedAt', 'progress')
    out[#out + 1] = { id, f[1], f[2], f[3], f[4] }
  end
  return out
end

local function recentFinished(state, limit)
  local out = {}
  if limit <= 0 then return out end
  for _, id in ipairs(redis.call('ZREVRANGE', K_FINAL[state], 0, limit - 1)) do
    out[#out + 1] = redis.call('HMGET', jobKey(id), 'name', 'size', 'runAt', 'startedAt', 'finishedAt', 'seq', 'priority', 'createdAt')
  end
  return out
end

local function keptSamples(key, limit)
  if limit <= 0 then return {} end
  return redis.call('ZREVRANGE', key, 0, limit - 1)
end
