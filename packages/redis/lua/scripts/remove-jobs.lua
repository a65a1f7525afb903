-- remove-jobs: deletes one chunk of a queue's jobs in the given states (never running ones).
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      the states, comma-separated ('queued', 'completed', 'failed', 'cancelled'; any
--              other, 'running' included, is ignored)
-- ARGV[3]      olderThan (ms) or '': only jobs finished (final states) or created (queued) before it
-- ARGV[4]      chunk: most jobs to delete in this call
-- ARGV[5]      sampleLimit or '': keep the ETA samples of deleted completed and failed jobs in
--              KEYS[11] (see lib/prune.lua), at most this many; '' keeps none
-- KEYS[11]     the queue's kept samples
-- @returns number
-- Returns: how many jobs were deleted; the caller repeats while it equals the chunk.
-- Events: none.
-- Guarantees: atomic per chunk; a job leaves every set, its hash and its idempotency key together.
--   Final states are a range on their finish-time set; queued jobs without olderThan are the
--   heads of the waiting sets; with olderThan each waiting job's createdAt is read.
--! include lib/common.lua
--! include lib/prune.lua

local olderThan, chunk, sampleLimit = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local removed = 0

local function remove(id)
  if sampleLimit then keepSample(id) end
  removeJob(id)
  removed = removed + 1
end

local function removeFinal(state)
  local upper = olderThan == '' and '+inf' or '(' .. olderThan
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', K_FINAL[state], '-inf', upper, 'LIMIT', 0, chunk - removed)) do
    redis.call('ZREM', K_FINAL[state], id)
    remove(id)
  end
end

local function removeWaiting(set, grouped)
  local start = 0
  while removed < chunk do
    local members = redis.call('ZRANGE', set, start, start + 499)
    if #members == 0 then return end
    for _, m in ipairs(members) do
      local id = memberId(m)
      local created = redis.call('HGET', jobKey(id), 'createdAt')
      if removed < chunk and (olderThan == '' or tonumber(created) < tonumber(olderThan)) then
        if grouped then unplaceQueued(jobKey(id), id) else redis.call('ZREM', set, m) end
        remove(id)
      else
        start = start + 1
      end
    end
  end
end

for state in string.gmatch(ARGV[2], '[^,]+') do
  if removed >= chunk then break end
  if K_FINAL[state] then
    removeFinal(state)
  elseif state == 'queued' then
    removeWaiting(K_READY)
    for _, priority in ipairs(redis.call('ZRANGE', K_LEVELS, 0, -1)) do
      removeWaiting(levelKey(priority))
      if redis.call('ZCARD', levelKey(priority)) == 0 then redis.call('ZREM', K_LEVELS, priority) end
    end
    for _, priority in ipairs(redis.call('ZRANGE', K_GLEVELS, 0, -1)) do
      if removed >= chunk then break end
      removeWaiting(glvlKey(priority), true)
    end
  end
end
if sampleLimit and removed > 0 then trimSamples(sampleLimit) end
return removed
