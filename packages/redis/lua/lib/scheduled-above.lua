-- scheduled-above: the scheduled jobs that outrank a waiting one, for the ETA's `dueAhead`
-- (needs lib/common.lua and lib/ahead.lua).
--
-- scheduledAbove(priority, now, limit) -> flat name, size or '', runAt per job: the queue's
--   queued jobs with runAt > now and a priority above `priority`, ungrouped (TAG:scheduled:<q>)
--   and of named groups (TAG:glvl:<q>) alike, the first `limit` by (runAt, seq); {} when limit
--   is 0. Nothing is moved. Both kinds of set are scored by runAt, one per level, so each level's
--   jobs after now are a range: one ZRANGEBYSCORE per level above the job's (at most 999 levels
--   of each kind, in practice a few), each reading at most `limit` members and none past the
--   limit-th runAt found so far, then one HMGET per listed job. Reads at most
--   limit * (levels above) members plus `limit` hashes, whatever the number of scheduled jobs
--   of the job's level or below (never read) or of each level above (only its first `limit`).
--   A job a claim with a later clock already moved to the ready set is listed too (one more range
--   per ready level above the job's), and not counted in the rank (lib/common.lua, clock skew).

-- Keeps the first `limit` of `picked` by (runAt, seq) and returns the new cutoff: the limit-th
-- runAt once there are `limit`, else '+inf'.
local function keepFirst(picked, limit)
  table.sort(picked, before)
  for i = #picked, limit + 1, -1 do picked[i] = nil end
  if #picked < limit then return '+inf' end
  return string.format('%.17g', picked[limit][1])
end

-- Adds the members of `key` with runAt in (now, cutoff] (at most limit) to `picked`; keepFirst.
local function nextAbove(picked, key, now, cutoff, limit)
  collect(picked, redis.call('ZRANGEBYSCORE', key, '(' .. now, cutoff, 'WITHSCORES', 'LIMIT', 0, limit))
  return keepFirst(picked, limit)
end

-- Adds the ready-set members of level q with runAt in (now, cutoff] (at most limit): a claim
-- whose clock runs ahead of `now` moved them; to this reader they are scheduled (lib/common.lua).
local function nextAboveReady(picked, q, now, cutoff, limit)
  local start = tonumber(levelStart(q))
  local to = '(' .. levelStart(q - 1)
  if cutoff ~= '+inf' then to = readyScore(q, cutoff) end
  local rows = redis.call('ZRANGEBYSCORE', K_READY, '(' .. readyScore(q, now), to, 'WITHSCORES', 'LIMIT', 0, limit)
  for i = 1, #rows, 2 do picked[#picked + 1] = { tonumber(rows[i + 1]) - start, rows[i], seqOf(rows[i]) } end
  return keepFirst(picked, limit)
end

local function scheduledAbove(priority, now, limit)
  if limit <= 0 then return {} end
  local picked, cutoff = {}, '+inf'
  for _, q in ipairs(redis.call('ZRANGEBYSCORE', K_LEVELS, '(' .. priority, '+inf')) do
    cutoff = nextAbove(picked, levelKey(q), now, cutoff, limit)
  end
  for _, q in ipairs(redis.call('ZRANGEBYSCORE', K_GLEVELS, '(' .. priority, '+inf')) do
    cutoff = nextAbove(picked, glvlKey(q), now, cutoff, limit)
  end
  for _, q in ipairs(readyLevels(priority)) do
    cutoff = nextAboveReady(picked, q, now, cutoff, limit)
  end
  local out = {}
  for _, entry in ipairs(picked) do
    local g = redis.call('HMGET', jobKey(memberId(entry[2])), 'name', 'size', 'runAt')
    out[#out + 1] = g[1]
    out[#out + 1] = g[2] or ''
    out[#out + 1] = g[3]
  end
  return out
end
