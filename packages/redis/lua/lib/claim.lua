-- claim: leases the next ready jobs of the queue (needs lib/common.lua, lib/weights.lua and
-- lib/group-holds.lua).
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
--   A job whose hash is gone (evicted, or deleted by hand) is taken out of the sets that named
--   it, not leased, and the claim goes on to the next.
-- Groups: a grouped queue (config `grouped`, lib/common.lua) takes its n jobs one at a time: the
--   highest level holding a ready job, then the first group in that level's turns (stamp order)
--   whose head (its own jobs by runAt, then seq) is ready; the group then gets a stamp above every
--   stamp at the level, or loses it with its last queued job there. A batch of n is n such steps.
-- Weights (needs lib/weights.lua): the claim checks once (EXISTS TAG:gweights) whether the queue
--   has stored weights. Without, the steps above are all (every group has weight 1). With, a
--   served group with jobs left keeps its stamp while its round lasts (used + 1 < weight: one HGET
--   of its weight, one of its used count, one HSET) and is restamped with its used field deleted
--   when the round ends, as core's afterServe; a deleted stamp deletes the used field too.
-- Group cap (config field groupConcurrency, absent for none): a named group whose running jobs
--   (TAG:grun, every level, lib/common.lua) reach the cap is passed over after one HGET, without
--   reading its jobs or touching its stamp, so it keeps its place in the rotation; a level whose
--   ready groups are all at the cap gives way to the levels below it. Each lease taken with the
--   cap set adds 1 to its group's count at once (job field `grun`), so a batch counts its own
--   leases as n single claims would. Without the cap nothing of this runs nor is written.
-- Group rate limit (config fields groupRateMax and groupRateIntervalMs, both absent for none;
--   lib/group-holds.lua): a named group without a token is passed over like a group at its cap
--   and keeps its place; each start of a named group is logged in TAG:grate:<group> in this
--   script. When the claim leases fewer jobs than it was allowed and passed over a group with a
--   ready head for want of a token, RATE_NEXT_START is that group's next token (the earliest of
--   such groups). The fields are read with pause and concurrency (one HMGET): a queue without the
--   limit runs no more commands than before.
-- Rate limit (config fields rateMax and rateIntervalMs, both absent for none): the queue's starts
--   are logged in the zset K_CONFIG .. ':starts' (same hash tag, so the same slot; score = start
--   time, member = the job's lease token, unique per start). A claim first drops the starts at
--   or before now - rateIntervalMs, leases no more than rateMax minus the starts left, and logs
--   its own: all in this script, so two claimers can never both take the last token. When the
--   limit held the claim back, RATE_NEXT_START is set to when one more job may start (the
--   rateMax-th newest start + rateIntervalMs); settle.lua returns it.

local K_STARTS = K_CONFIG .. ':starts'
local RATE_NEXT_START = false

-- What a claim reads of the queue's config, in one HMGET (`cfg` below).
local CLAIM_CONFIG = { 'paused', 'concurrency', 'groupConcurrency', 'groupRateMax', 'groupRateIntervalMs', 'rateMax', 'rateIntervalMs', 'grouped' }

-- The tokens left at now under the queue's rate limit (trimming the log), or nil without one.
local function rateTokens(now, cfg)
  local rateMax, rateMs = cfg[6], cfg[7]
  if not rateMax or not rateMs then return nil end
  redis.call('ZREMRANGEBYSCORE', K_STARTS, '-inf', int(tonumber(now) - tonumber(rateMs)))
  local tokens = tonumber(rateMax) - redis.call('ZCARD', K_STARTS)
  if tokens < 0 then tokens = 0 end
  return tokens, tonumber(rateMax), tonumber(rateMs)
end

-- The claim's room under pause and concurrency, and the holds of its groups at `now`
-- (lib/group-holds.lua: the groupConcurrency and groupRateLimit, nil for none).
local function freeSlots(limit, now, cfg)
  if cfg[1] == '1' then return 0 end
  if cfg[2] then
    local free = tonumber(cfg[2]) - redis.call('ZCARD', K_RUNNING)
    if free < limit then limit = free end
  end
  if limit < 0 then return 0 end
  local rateMax, rateMs
  if cfg[4] and cfg[5] then rateMax, rateMs = tonumber(cfg[4]), tonumber(cfg[5]) end
  return limit, groupHolds(now, tonumber(cfg[3]), rateMax, rateMs)
end

-- The lease tokens this script gave, in claim order (logStarts logs them).
local LEASED_TOKENS = {}

-- What a claim reads of a job before leasing it (`f` below): runAt, priority, attempt, seq, then
-- the fields of an earlier attempt that a new one clears, so a first attempt writes no HDEL.
local LEASE_READS = { 'runAt', 'priority', 'attempt', 'seq', 'finishedAt', 'cancelRequested', 'progress' }

-- Leases a job and returns its lease token; `counted` (a named group, or nil) is the running
-- count that holds the lease.
local function leaseJob(key, id, f, now, workerId, tokenBase, leaseExpiresAt, counted)
  local token = tokenBase .. ':' .. f[4]
  LEASED_TOKENS[#LEASED_TOKENS + 1] = token
  if counted then
    redis.call('HSET', key, 'state', 'running', 'attempt', int(tonumber(f[3]) + 1), 'startedAt', now,
      'leaseToken', token, 'leaseExpiresAt', leaseExpiresAt, 'workerId', workerId, 'grun', counted)
    redis.call('HINCRBY', K_GRUN, counted, 1)
  else
    redis.call('HSET', key, 'state', 'running', 'attempt', int(tonumber(f[3]) + 1), 'startedAt', now,
      'leaseToken', token, 'leaseExpiresAt', leaseExpiresAt, 'workerId', workerId)
  end
  if f[5] or f[6] or f[7] then redis.call('HDEL', key, 'finishedAt', 'cancelRequested', 'progress') end
  redis.call('ZADD', K_RUNNING, leaseExpiresAt, id)
  return token
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
      local f = redis.call('HMGET', key, unpack(LEASE_READS))
      if not f[4] then
        -- The hash is gone (evicted, or deleted by hand): drop what still names it, lease nothing.
        redis.call('ZREM', K_ALL, id)
      elseif tonumber(f[1]) > nowN then
        schedule(f[2], f[1], m)
      else
        leaseJob(key, id, f, now, workerId, tokenBase, leaseExpiresAt)
        claimed[#claimed + 1] = record(key)
      end
    end
  end
  return claimed
end

-- Groups (docs/design/groups.md): a grouped queue's claim takes, n times, the highest level holding
-- a ready job, then the first group of that level's turns (stamp order) whose head is ready.

-- The level of a ready-set score.
local function levelOf(score)
  return MAX_PRIORITY - math.floor(tonumber(score) / RUNAT_SPAN)
end

-- The highest level with a ready job (ready set, or a named group's job due at now), or nil; with
-- `below`, the highest such level under it.
local function topLevel(now, below)
  local best, head, levels
  if below then
    head = redis.call('ZRANGEBYSCORE', K_READY, levelStart(below - 1), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    levels = redis.call('ZREVRANGEBYSCORE', K_GLEVELS, '(' .. below, '-inf')
  else
    head = redis.call('ZRANGE', K_READY, 0, 0, 'WITHSCORES')
    levels = redis.call('ZREVRANGE', K_GLEVELS, 0, -1)
  end
  if #head > 0 then best = levelOf(head[2]) end
  for _, p in ipairs(levels) do
    p = tonumber(p)
    if best and p <= best then break end
    if redis.call('ZCOUNT', glvlKey(p), '-inf', now) > 0 then return p end
  end
  return best
end

-- The default group's head at level p, when ready at now (a ready-set job whose runAt is after
-- now, moved by a caller whose clock is ahead, goes back to its scheduled set on the way).
local function defaultHead(p, nowN)
  while true do
    local head = redis.call('ZRANGEBYSCORE', K_READY, levelStart(p), '(' .. levelStart(p - 1), 'LIMIT', 0, 1)
    if #head == 0 then return nil end
    local runAt = redis.call('HGET', jobKey(memberId(head[1])), 'runAt')
    if tonumber(runAt) <= nowN then return head[1] end
    redis.call('ZREM', K_READY, head[1])
    schedule(p, runAt, head[1])
  end
end

local function groupHead(p, group, now, nowN)
  if group == DEFAULT_GROUP then return defaultHead(p, nowN) end
  return redis.call('ZRANGEBYSCORE', gqKey(p, group), '-inf', now, 'LIMIT', 0, 1)[1]
end

-- The first group in turn order at level p, not held (lib/group-holds.lua isHeld), whose head
-- is ready, and that head; walks the turns 64 at a time, reading one head per group skipped and,
-- of a held group, only what isHeld reads. Without a pick, the third result tells whether a
-- group was held.
local function pickAtLevel(p, now, nowN, holds)
  local start, held = 0, false
  while true do
    local turns = redis.call('ZRANGE', turnsKey(p), start, start + 63)
    if #turns == 0 then return nil, nil, held end
    for _, group in ipairs(turns) do
      if isHeld(holds, p, group, now) then
        held = true
      else
        local m = groupHead(p, group, now, nowN)
        if m then return group, m end
      end
    end
    start = start + 64
  end
end

-- Takes the served head out of its sets, then deletes its group's stamp when that was its last
-- queued job (ready or scheduled) at the level, or else moves the group to the back of the level's
-- turns unless its weighted round goes on (`weighted`: the queue has stored weights,
-- lib/weights.lua keepTurn; without them every group has weight 1 and nothing more is read).
local function serveTurn(p, group, m, weighted)
  local left
  if group == DEFAULT_GROUP then
    redis.call('ZREM', K_READY, m)
    left = redis.call('ZCOUNT', K_READY, levelStart(p), '(' .. levelStart(p - 1)) + redis.call('ZCARD', levelKey(p))
  else
    unplaceGrouped(m, p, group)
    left = redis.call('ZCARD', gqKey(p, group))
  end
  if left == 0 then
    redis.call('ZREM', turnsKey(p), group)
    if weighted then redis.call('HDEL', tusedKey(p), group) end
  elseif not (weighted and keepTurn(p, group)) then
    redis.call('ZADD', turnsKey(p), redis.call('INCR', K_TSEQ), group)
  end
end

-- A level with a ready job but no group to serve means a ready head without a stamp, which no
-- script leaves: give the default group's and the first due named job's group one, rather than
-- leave the level stuck.
local function healTurns(p, now, nowN)
  if defaultHead(p, nowN) then joinTurn(p, DEFAULT_GROUP) end
  local due = redis.call('ZRANGEBYSCORE', glvlKey(p), '-inf', now, 'LIMIT', 0, 1)[1]
  if due then
    local group = redis.call('HGET', jobKey(memberId(due)), 'group')
    if group then joinTurn(p, group) end
  end
end

-- Leases up to wanted ready jobs (wanted >= 1) of a grouped queue in turn order, passing over the
-- held named groups (`holds`, lib/group-holds.lua). Counts only grow and tokens only shrink within
-- a claim, so a level found with every ready group held stays so, and the walk goes on below it.
local function leaseGrouped(now, wanted, workerId, tokenBase, leaseExpiresAt, holds)
  local claimed = {}
  promoteDue(now, wanted)
  trimGroupLogs(holds)
  local nowN = tonumber(now)
  local misses, below, weighted = 0, nil, hasWeights()
  while #claimed < wanted and misses < 3 do
    local p = topLevel(now, below)
    if not p then break end
    local group, m, held = pickAtLevel(p, now, nowN, holds)
    if group then
      serveTurn(p, group, m, weighted)
      local id = memberId(m)
      local key = jobKey(id)
      local counted = holds.cap and group ~= DEFAULT_GROUP and group or nil
      local f = redis.call('HMGET', key, unpack(LEASE_READS))
      if f[4] then
        tookStart(holds, group, leaseJob(key, id, f, now, workerId, tokenBase, leaseExpiresAt, counted))
        claimed[#claimed + 1] = record(key)
      else
        redis.call('ZREM', K_ALL, id) -- the hash is gone: as in leaseReady
      end
    elseif held then
      below = p
    else
      healTurns(p, now, nowN)
      misses = misses + 1
    end
  end
  return claimed
end

-- Logs the claim's starts in the queue's log and, when the queue's limit held it back and it
-- took every token, sets RATE_NEXT_START.
local function logStarts(claimed, now, held, wanted, rateMax, rateMs)
  for _, token in ipairs(LEASED_TOKENS) do redis.call('ZADD', K_STARTS, now, token) end
  if held and #claimed == wanted then
    local newest = redis.call('ZREVRANGE', K_STARTS, rateMax - 1, rateMax - 1, 'WITHSCORES')
    RATE_NEXT_START = int(tonumber(newest[2]) + rateMs)
  end
end

local function claimJobs(now, limit, workerId, tokenBase, leaseExpiresAt)
  local claimed = {}
  local cfg = redis.call('HMGET', K_CONFIG, unpack(CLAIM_CONFIG))
  local wanted, holds = freeSlots(limit, now, cfg)
  if wanted <= 0 then return claimed end
  local tokens, rateMax, rateMs = rateTokens(now, cfg)
  local held = tokens ~= nil and tokens < wanted
  if held then wanted = tokens end
  if wanted > 0 then
    if cfg[8] == '1' then
      claimed = leaseGrouped(now, wanted, workerId, tokenBase, leaseExpiresAt, holds)
    else
      claimed = leaseReady(now, wanted, workerId, tokenBase, leaseExpiresAt)
    end
  end
  if tokens ~= nil then logStarts(claimed, now, held, wanted, rateMax, rateMs) end
  -- A group's next token, only when the claim came back short and no queue limit stopped it.
  if not RATE_NEXT_START and holds.nextAt and #claimed < wanted then RATE_NEXT_START = int(holds.nextAt) end
  return claimed
end
