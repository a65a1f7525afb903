-- claim: leases the next ready jobs of the queue (needs lib/common.lua).
--
-- claimJobs(now, limit, workerId, tokenBase, leaseExpiresAt) -> array of job records
-- Guarantees: nothing while the queue is paused; never more running jobs than its concurrency
--   (counted on the running set, so slots freed earlier in the same script count); per priority
--   level, the first `limit` scheduled jobs due at `now` are moved to the ready set first (a due
--   job behind them cannot be among the first `limit`), so the order is exactly the ordering rule
--   (priority desc, runAt, seq) and the move is bounded. A ready job whose runAt is after `now` (a caller whose clock is
--   behind the one that moved it) goes back to the scheduled set instead of being leased. Each
--   leased job gets the token tokenBase .. ':' .. seq, attempt + 1, startedAt = now, and loses
--   finishedAt, a stale cancel request and the previous attempt's progress.
-- Rate limit (config fields rateMax and rateIntervalMs, both absent for none): the queue's starts
--   are logged in the zset K_CONFIG .. ':starts' (same hash tag, so the same slot; score = start
--   time, member = the job's lease token, unique per start). A claim first drops the starts at
--   or before now - rateIntervalMs, leases no more than rateMax minus the starts left, and logs
--   its own: all in this script, so two claimers can never both take the last token. When the
--   limit held the claim back, RATE_NEXT_START is set to when one more job may start (the
--   rateMax-th newest start + rateIntervalMs); settle.lua returns it.

local K_STARTS = K_CONFIG .. ':starts'
local RATE_NEXT_START = false

-- The tokens left at now under the queue's rate limit (trimming the log), or nil without one.
local function rateTokens(now)
  local cfg = redis.call('HMGET', K_CONFIG, 'rateMax', 'rateIntervalMs')
  if not cfg[1] or not cfg[2] then return nil end
  redis.call('ZREMRANGEBYSCORE', K_STARTS, '-inf', int(tonumber(now) - tonumber(cfg[2])))
  local tokens = tonumber(cfg[1]) - redis.call('ZCARD', K_STARTS)
  if tokens < 0 then tokens = 0 end
  return tokens, tonumber(cfg[1]), tonumber(cfg[2])
end

local function freeSlots(limit)
  local cfg = redis.call('HMGET', K_CONFIG, 'paused', 'concurrency')
  if cfg[1] == '1' then return 0 end
  if cfg[2] then
    local free = tonumber(cfg[2]) - redis.call('ZCARD', K_RUNNING)
    if free < limit then limit = free end
  end
  if limit < 0 then return 0 end
  return limit
end

local function leaseJob(key, id, f, now, workerId, tokenBase, leaseExpiresAt)
  redis.call('HSET', key, 'state', 'running', 'attempt', int(tonumber(f[3]) + 1), 'startedAt', now,
    'leaseToken', tokenBase .. ':' .. f[4], 'leaseExpiresAt', leaseExpiresAt, 'workerId', workerId)
  redis.call('HDEL', key, 'finishedAt', 'cancelRequested', 'progress')
  redis.call('ZADD', K_RUNNING, leaseExpiresAt, id)
end

-- Leases up to wanted ready jobs (wanted >= 1) by the ordering rule.
local function leaseReady(now, wanted, workerId, tokenBase, leaseExpiresAt)
  local claimed = {}
  promoteDue(now, wanted)
  local nowN = tonumber(now)
  while #claimed < wanted do
    local popped = redis.call('ZPOPMIN', K_READY, wanted - #claimed)
    if #popped == 0 then break end
    for i = 1, #popped, 2 do
      local m = popped[i]
      local id = memberId(m)
      local key = jobKey(id)
      local f = redis.call('HMGET', key, 'runAt', 'priority', 'attempt', 'seq')
      if tonumber(f[1]) > nowN then
        schedule(f[2], f[1], m)
      else
        leaseJob(key, id, f, now, workerId, tokenBase, leaseExpiresAt)
        claimed[#claimed + 1] = redis.call('HGETALL', key)
      end
    end
  end
  return claimed
end

local function claimJobs(now, limit, workerId, tokenBase, leaseExpiresAt)
  local claimed = {}
  local wanted = freeSlots(limit)
  if wanted <= 0 then return claimed end
  local tokens, rateMax, rateMs = rateTokens(now)
  local held = tokens ~= nil and tokens < wanted
  if held then wanted = tokens end
  if wanted > 0 then claimed = leaseReady(now, wanted, workerId, tokenBase, leaseExpiresAt) end
  if tokens == nil then return claimed end
  for _, fields in ipairs(claimed) do
    local token
    for k = 1, #fields, 2 do
      if fields[k] == 'leaseToken' then token = fields[k + 1] end
    end
    redis.call('ZADD', K_STARTS, now, token)
  end
  if held and #claimed == wanted then
    local newest = redis.call('ZREVRANGE', K_STARTS, rateMax - 1, rateMax - 1, 'WITHSCORES')
    RATE_NEXT_START = int(tonumber(newest[2]) + rateMs)
  end
  return claimed
end
