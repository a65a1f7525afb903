-- common: the key layout every per-queue script shares, and the helpers that read and write it.
--
-- KEYS (every per-queue script is given all ten, in this order; they share the hash tag
-- {prefix:queue}, so one script touches one cluster slot):
--   KEYS[1]  config     hash   concurrency, maxSize (absent = no limit), paused ('1' / '0')
--   KEYS[2]  seq        string the queue's insertion counter (INCR)
--   KEYS[3]  ready      zset   queued jobs with runAt <= now; score = readyScore(priority, runAt),
--                              member = member(seq, id), so ties sort by seq (ZRANK = position - 1)
--   KEYS[4]  scheduled  zset   queued jobs not yet due; score = runAt, member = member(seq, id)
--   KEYS[5]  running    zset   score = leaseExpiresAt, member = id
--   KEYS[6]  all        zset   every job of the queue; score = seq, member = id (listJobs)
--   KEYS[7]  completed  zset   score = finishedAt, member = id
--   KEYS[8]  failed     zset   score = finishedAt, member = id
--   KEYS[9]  cancelled  zset   score = finishedAt, member = id
--   KEYS[10] idem       hash   idempotency key -> job id
-- ARGV[1] is always the job key prefix ('{prefix:queue}:j:'); a job is the hash ARGV[1] .. id
-- (same hash tag, so the same slot), its fields named as in JobRecord, absent meaning null.
--
-- Numbers: Lua turns a number into text with 14 significant digits, which would round a score
-- (up to 2^53) or a time. Every number written back to Redis goes through int() or stays the
-- string it came in as.
local K_CONFIG, K_SEQ, K_READY, K_SCHEDULED, K_RUNNING = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local K_ALL, K_IDEM = KEYS[6], KEYS[10]
local K_FINAL = { completed = KEYS[7], failed = KEYS[8], cancelled = KEYS[9] }
local JOB_PREFIX = ARGV[1]

-- The ready score: (MAX_PRIORITY - priority) * 2^43 + runAt. priority 1..1000 takes 10 bits,
-- runAt 43 bits (ms up to year 2248; later times sort as 2248); 10 + 43 = 53 bits, exact in a
-- double. The lowest score runs first: higher priority, then earlier runAt; equal scores sort by
-- member, whose first 15 characters are the zero-padded seq.
local RUNAT_SPAN = 8796093022208 -- 2^43
local MAX_PRIORITY = 1000

local function int(x)
  return string.format('%d', x)
end

local function jobKey(id)
  return JOB_PREFIX .. id
end

local function member(seq, id)
  return string.format('%015d', tonumber(seq)) .. id
end

local function memberId(m)
  return string.sub(m, 16)
end

local function readyScore(priority, runAt)
  local r = math.floor(tonumber(runAt))
  if r < 0 then r = 0 elseif r >= RUNAT_SPAN then r = RUNAT_SPAN - 1 end
  return int((MAX_PRIORITY - tonumber(priority)) * RUNAT_SPAN + r)
end

-- Puts a queued job in the ready set (runAt <= now) or the scheduled set.
local function place(id, seq, priority, runAt, now)
  local m = member(seq, id)
  if tonumber(runAt) <= tonumber(now) then
    redis.call('ZADD', K_READY, readyScore(priority, runAt), m)
  else
    redis.call('ZADD', K_SCHEDULED, runAt, m)
  end
end

-- The same, reading priority, runAt and seq from the job hash.
local function placeQueued(key, id, now)
  local f = redis.call('HMGET', key, 'priority', 'runAt', 'seq')
  place(id, f[3], f[1], f[2], now)
end

-- Takes a queued job out of both waiting sets.
local function unplaceQueued(key, id)
  local m = member(redis.call('HGET', key, 'seq'), id)
  redis.call('ZREM', K_READY, m)
  redis.call('ZREM', K_SCHEDULED, m)
end

-- Moves every scheduled job due at `now` to the ready set, 500 at a time: each job moves once,
-- so the cost is O(log n) per job over its life, whoever pays it.
local function promoteDue(now)
  while true do
    local due = redis.call('ZRANGEBYSCORE', K_SCHEDULED, '-inf', now, 'LIMIT', 0, 500)
    if #due == 0 then return end
    for _, m in ipairs(due) do
      local f = redis.call('HMGET', jobKey(memberId(m)), 'priority', 'runAt')
      redis.call('ZADD', K_READY, readyScore(f[1], f[2]), m)
    end
    redis.call('ZREM', K_SCHEDULED, unpack(due))
    if #due < 500 then return end
  end
end

-- Ends a job in a final state at `now`.
local function finalize(key, id, state, now)
  redis.call('HSET', key, 'state', state, 'finishedAt', now)
  redis.call('ZADD', K_FINAL[state], now, id)
end

-- The lease guard: true when the job is running under `token`.
local function holds(key, token)
  local f = redis.call('HMGET', key, 'state', 'leaseToken')
  return f[1] == 'running' and f[2] == token
end

-- Clears a running job's lease and takes it out of the running set.
local function dropLease(key, id)
  redis.call('HDEL', key, 'leaseToken', 'leaseExpiresAt')
  redis.call('ZREM', K_RUNNING, id)
end

-- Back to queued at `runAt` (a string), not finished.
local function requeue(key, id, runAt, now)
  redis.call('HSET', key, 'state', 'queued', 'runAt', runAt)
  redis.call('HDEL', key, 'finishedAt')
  placeQueued(key, id, now)
end

-- The job's fields as HGETALL gives them, or false when it does not exist.
local function record(key)
  local fields = redis.call('HGETALL', key)
  if #fields == 0 then return false end
  return fields
end
