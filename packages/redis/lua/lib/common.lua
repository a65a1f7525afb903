-- common: the key layout every per-queue script shares, and the helpers that read and write it.
--
-- KEYS (every per-queue script is given all ten, in this order; they share the hash tag
-- {prefix:queue}, so one script touches one cluster slot):
--   KEYS[1]  config     hash   concurrency, maxSize (absent = no limit), paused ('1' / '0'),
--                              maxStalls (absent = 1, DEFAULT_MAX_STALLS in @waitline/core),
--                              draining ('1'; absent or '0' = not draining), rateMax and
--                              rateIntervalMs (both absent = no rate limit; the log of starts is
--                              the zset KEYS[1] .. ':starts', see lib/claim.lua), groupRateMax and
--                              groupRateIntervalMs (both absent = no group rate limit; the logs
--                              are TAG:grate:<group>, below)
--   KEYS[2]  seq        string the queue's insertion counter (INCR)
--   KEYS[3]  ready      zset   queued jobs with runAt <= now; score = readyScore(priority, runAt),
--                              member = member(seq, id), so ties sort by seq (ZRANK counts
--                              the moved jobs ahead; dueAhead the others)
--   KEYS[4]  scheduled  zset   the priority levels that have scheduled jobs (member = score =
--                              priority); the jobs of level p are in the zset KEYS[4] .. ':' .. p,
--                              queued and not moved to ready yet: score = runAt, member = member(seq, id)
--   KEYS[5]  running    zset   score = leaseExpiresAt, member = id
--   KEYS[6]  all        zset   every job of the queue; score = seq, member = id (listJobs)
--   KEYS[7]  completed  zset   score = finishedAt, member = id
--   KEYS[8]  failed     zset   score = finishedAt, member = id
--   KEYS[9]  cancelled  zset   score = finishedAt, member = id
--   KEYS[10] idem       hash   idempotency key -> job id
-- ARGV[1] is always the job key prefix ('{prefix:queue}:j:'); a job is the hash ARGV[1] .. id
-- (same hash tag, so the same slot), its fields named as in JobRecord, absent meaning null (and
-- `stalls` absent meaning 0, as in a job written before the field existed).
--
-- Numbers: Lua turns a number into text with 14 significant digits, which would round a score
-- (up to 2^53) or a time. Every number written back to Redis goes through int() or stays the
-- string it came in as.
local K_CONFIG, K_SEQ, K_READY, K_LEVELS, K_RUNNING = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
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

-- Scheduled jobs live in one zset per priority level, so the due jobs of a level are a prefix by
-- runAt: a claim moves at most `limit` of them per level (the rest cannot be among its first
-- `limit`), and a position counts the due jobs not moved yet instead of moving them. No script
-- moves an unbounded number of jobs, and order and positions stay exact.
local function levelKey(priority)
  return K_LEVELS .. ':' .. priority
end

local function schedule(priority, runAt, m)
  redis.call('ZADD', levelKey(priority), runAt, m)
  redis.call('ZADD', K_LEVELS, priority, priority)
end

local function unschedule(priority, m)
  local key = levelKey(priority)
  if redis.call('ZREM', key, m) == 1 and redis.call('ZCARD', key) == 0 then redis.call('ZREM', K_LEVELS, priority) end
end

-- Groups (docs/design/groups.md, "Redis"). Ungrouped jobs stay in the ready and scheduled sets
-- above: in a grouped queue they are the default group ''. The group keys are derived from the
-- queue's hash tag, as K_CONFIG .. ':starts' is, so every script still touches one slot:
--   config field `grouped` '1' once the queue saw a job with a group (never cleared)
--   TAG:gq:<p>:<group>  zset  a named group's queued jobs (ready and scheduled) at level p;
--                             score = runAt, member = member(seq, id): ZCOUNT -inf now = ready
--   TAG:glvl:<p>        zset  every named group's queued jobs at level p, the same scores (for H)
--   TAG:glevels         zset  the levels that have a TAG:glvl:<p> (member = score = priority)
--   TAG:turns:<p>       zset  the turn stamps at level p: member = group ('' default), score = stamp
--   TAG:tseq            string the stamp counter (INCR: a new stamp is above every stamp)
--   TAG:gweights, TAG:tused:<p>  group weights and each turn's used count: lib/weights.lua
--   TAG:grun            hash  named group -> its running jobs, kept only while the config has
--                             `groupConcurrency` (lib/claim.lua): each lease it counts carries the
--                             job field `grun` (= its group), and only such a lease's dropLease
--                             takes it off; upsert-queue.lua rebuilds it from the running set when
--                             the cap is set on a queue without one. A field at 0 is deleted.
--   TAG:grate:<group>   zset  a named group's starts, kept only while the config has
--                             `groupRateMax` and `groupRateIntervalMs` (lib/group-holds.lua):
--                             score = start time, member = the lease token (unique per start)
--   TAG:grates          zset  the groups with such a log: member = group, score = its newest
--                             start; upsert-queue.lua deletes every log it lists with the limit
local DEFAULT_GROUP = ''
local TAG = string.sub(K_CONFIG, 1, -8)
local K_TSEQ, K_GLEVELS, K_GRUN = TAG .. ':tseq', TAG .. ':glevels', TAG .. ':grun'
local K_GRATES = TAG .. ':grates'

local function grateKey(group)
  return TAG .. ':grate:' .. group
end

local function glvlKey(p)
  return TAG .. ':glvl:' .. int(tonumber(p))
end

local function gqKey(p, group)
  return TAG .. ':gq:' .. int(tonumber(p)) .. ':' .. group
end

local function turnsKey(p)
  return TAG .. ':turns:' .. int(tonumber(p))
end

local function isGrouped()
  return redis.call('HGET', K_CONFIG, 'grouped') == '1'
end

-- The first ready-set score of level p (the level's scores are [levelStart(p), levelStart(p - 1))).
local function levelStart(p)
  return int((MAX_PRIORITY - tonumber(p)) * RUNAT_SPAN)
end

-- Gives `group` a stamp at level p above every stamp there, unless it holds one.
local function joinTurn(p, group)
  local key = turnsKey(p)
  if not redis.call('ZSCORE', key, group) then redis.call('ZADD', key, redis.call('INCR', K_TSEQ), group) end
end

-- The levels of the ready set above level `p` (every level when p is nil), highest first, walked
-- by score range (one seek per level).
local function readyLevels(p)
  local levels, from = {}, '-inf'
  local to = p and '(' .. levelStart(p) or '+inf'
  while true do
    local head = redis.call('ZRANGEBYSCORE', K_READY, from, to, 'WITHSCORES', 'LIMIT', 0, 1)
    if #head == 0 then return levels end
    local q = MAX_PRIORITY - math.floor(tonumber(head[2]) / RUNAT_SPAN)
    levels[#levels + 1] = q
    from = levelStart(q - 1)
  end
end

-- Clock skew: a claim moves the jobs due at its own `now` into the ready set, so a claimer whose
-- clock runs ahead leaves jobs there that are not due at a reader's `now`. Readers count and list
-- only a level's members due at their `now` (scores [levelStart(q), readyScore(q, now)]); the
-- rest are scheduled jobs to them, as a claim at that `now` treats them (lib/claim.lua).

-- Ready-set members above level `p` (every level when p is nil) due at `now`.
local function readyDueAbove(p, now)
  local n = 0
  for _, q in ipairs(readyLevels(p)) do n = n + redis.call('ZCOUNT', K_READY, levelStart(q), readyScore(q, now)) end
  return n
end

-- The first `want` ready-set members above level `p` due at `now`, flat (member, score), in claim order.
local function readyDueMembersAbove(p, now, want)
  local out, n = {}, 0
  for _, q in ipairs(readyLevels(p)) do
    if n >= want then break end
    local rows = redis.call('ZRANGEBYSCORE', K_READY, levelStart(q), readyScore(q, now), 'WITHSCORES', 'LIMIT', 0, want - n)
    for _, v in ipairs(rows) do out[#out + 1] = v end
    n = n + #rows / 2
  end
  return out
end

-- Sets `grouped` at a queue's first grouped job, stamping the default group first at every level
-- where ungrouped jobs are queued (ready or scheduled): they waited longest.
local function ensureGrouped()
  if isGrouped() then return end
  redis.call('HSET', K_CONFIG, 'grouped', '1')
  for _, p in ipairs(readyLevels()) do joinTurn(p, DEFAULT_GROUP) end
  for _, p in ipairs(redis.call('ZRANGE', K_LEVELS, 0, -1)) do joinTurn(p, DEFAULT_GROUP) end
end

-- Puts a queued job of a named group in its group's and its level's sets.
local function placeGrouped(m, priority, runAt, group)
  ensureGrouped()
  redis.call('ZADD', gqKey(priority, group), runAt, m)
  redis.call('ZADD', glvlKey(priority), runAt, m)
  redis.call('ZADD', K_GLEVELS, priority, priority)
  joinTurn(priority, group)
end

-- Takes a queued job of a named group out of its sets (its stamp stays).
local function unplaceGrouped(m, priority, group)
  redis.call('ZREM', gqKey(priority, group), m)
  local lvl = glvlKey(priority)
  if redis.call('ZREM', lvl, m) == 1 and redis.call('ZCARD', lvl) == 0 then redis.call('ZREM', K_GLEVELS, priority) end
end

-- Puts a queued job in the ready set (runAt <= now) or its level's scheduled set, or in its
-- group's sets when it has a group (`group` false or nil: ungrouped). In a grouped queue the
-- job's (level, group) joins the turns when it holds no stamp. `grouped`, when the caller knows
-- it, is whether the queue is grouped now (nil: read from the config).
local function place(id, seq, priority, runAt, now, group, grouped)
  local m = member(seq, id)
  if group then return placeGrouped(m, priority, runAt, group) end
  if tonumber(runAt) <= tonumber(now) then
    redis.call('ZADD', K_READY, readyScore(priority, runAt), m)
  else
    schedule(priority, runAt, m)
  end
  if grouped == nil then grouped = isGrouped() end
  if grouped then joinTurn(priority, DEFAULT_GROUP) end
end

-- The same, reading priority, runAt, seq and group from the job hash.
local function placeQueued(key, id, now)
  local f = redis.call('HMGET', key, 'priority', 'runAt', 'seq', 'group')
  place(id, f[3], f[1], f[2], now, f[4])
end

-- Takes a queued job out of the ready set and its scheduled set (or its group's sets).
local function unplaceQueued(key, id)
  local f = redis.call('HMGET', key, 'priority', 'seq', 'group')
  local m = member(f[2], id)
  if f[3] then return unplaceGrouped(m, f[1], f[3]) end
  redis.call('ZREM', K_READY, m)
  unschedule(f[1], m)
end

-- A named group's queued jobs (ready and scheduled) in every level: one ZCARD per level that
-- holds a named group's job, never a scan.
local function groupQueued(group)
  local n = 0
  for _, p in ipairs(redis.call('ZRANGE', K_GLEVELS, 0, -1)) do n = n + redis.call('ZCARD', gqKey(p, group)) end
  return n
end

-- Named groups' queued jobs in every level: all of them, and those due at `now`.
local function groupedCounts(now)
  local all, due = 0, 0
  for _, p in ipairs(redis.call('ZRANGE', K_GLEVELS, 0, -1)) do
    all = all + redis.call('ZCARD', glvlKey(p))
    due = due + redis.call('ZCOUNT', glvlKey(p), '-inf', now)
  end
  return all, due
end

-- Moves the first `most` jobs of one level due at `now` to the ready set, 500 at a time.
local function promoteLevel(priority, now, most)
  local key = levelKey(priority)
  local moved = 0
  while moved < most do
    local due = redis.call('ZRANGEBYSCORE', key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, math.min(500, most - moved))
    if #due == 0 then break end
    local members = {}
    for i = 1, #due, 2 do
      redis.call('ZADD', K_READY, readyScore(priority, due[i + 1]), due[i])
      members[#members + 1] = due[i]
    end
    redis.call('ZREM', key, unpack(members))
    moved = moved + #members
  end
  if redis.call('ZCARD', key) == 0 then redis.call('ZREM', K_LEVELS, priority) end
end

-- Moves, per level, the first `most` jobs due at `now` to the ready set.
local function promoteDue(now, most)
  for _, priority in ipairs(redis.call('ZRANGE', K_LEVELS, 0, -1)) do promoteLevel(priority, now, most) end
end

-- How many scheduled jobs due at `now`, not moved yet, sort before a ready job of `priority`,
-- `runAt` and member `m`: every due job of a higher level, and the due jobs of its own level
-- before (runAt, m) (counted by ranking m among them for a moment). O(levels * log n).
local function dueAhead(priority, runAt, m, now)
  local n = 0
  for _, p in ipairs(redis.call('ZRANGEBYSCORE', K_LEVELS, '(' .. priority, '+inf')) do
    n = n + redis.call('ZCOUNT', levelKey(p), '-inf', now)
  end
  local own = levelKey(priority)
  if redis.call('EXISTS', own) == 1 then
    redis.call('ZADD', own, runAt, m)
    n = n + redis.call('ZRANK', own, m)
    redis.call('ZREM', own, m)
  end
  return n
end

-- Scheduled jobs in every level: all of them, and those due at `now`.
local function scheduledCounts(now)
  local all, due = 0, 0
  for _, p in ipairs(redis.call('ZRANGE', K_LEVELS, 0, -1)) do
    all = all + redis.call('ZCARD', levelKey(p))
    due = due + redis.call('ZCOUNT', levelKey(p), '-inf', now)
  end
  return all, due
end

-- Makes a due queued job ready (its own move only) and returns its rank among all jobs ready at
-- `now`: the ready-set members before it at its level (all due, since it is), those due at `now`
-- above it, and the due jobs not moved yet; false when it is not queued and due at `now`.
local function readyRank(key, id, now)
  local f = redis.call('HMGET', key, 'state', 'runAt', 'seq', 'priority')
  if f[1] ~= 'queued' or tonumber(f[2]) > tonumber(now) then return false end
  local m = member(f[3], id)
  if not redis.call('ZSCORE', K_READY, m) then
    unschedule(f[4], m)
    redis.call('ZADD', K_READY, readyScore(f[4], f[2]), m)
  end
  local level = redis.call('ZRANK', K_READY, m) - redis.call('ZCOUNT', K_READY, '-inf', '(' .. levelStart(f[4]))
  return level + readyDueAbove(f[4], now) + dueAhead(f[4], f[2], m, now)
end

-- Ends a job in a final state at `now`, writing `field` = `value` with it when given.
local function finalize(key, id, state, now, field, value)
  if field then
    redis.call('HSET', key, 'state', state, 'finishedAt', now, field, value)
  else
    redis.call('HSET', key, 'state', state, 'finishedAt', now)
  end
  redis.call('ZADD', K_FINAL[state], now, id)
end

-- The lease guard: true when the job is running under `token`.
local function holds(key, token)
  local f = redis.call('HMGET', key, 'state', 'leaseToken')
  return f[1] == 'running' and f[2] == token
end

-- The lease guard that also tells how the lease is counted: false unless the job is running under
-- `token`; else the group whose running count holds the lease (its `grun` field), or '' (truthy)
-- when no count holds it. Pass the answer to dropLease.
local function heldLease(key, token)
  local f = redis.call('HMGET', key, 'state', 'leaseToken', 'grun')
  if f[1] ~= 'running' or f[2] ~= token then return false end
  return f[3] or ''
end

-- Clears a running job's lease and takes it out of the running set; `counted` is its `grun` field
-- (false, nil or '' when its group's running count does not hold it), taken off TAG:grun here.
local function dropLease(key, id, counted)
  if counted and counted ~= '' then
    redis.call('HDEL', key, 'leaseToken', 'leaseExpiresAt', 'grun')
    if redis.call('HINCRBY', K_GRUN, counted, -1) <= 0 then redis.call('HDEL', K_GRUN, counted) end
  else
    redis.call('HDEL', key, 'leaseToken', 'leaseExpiresAt')
  end
  redis.call('ZREM', K_RUNNING, id)
end

-- Back to queued at `runAt` (a string), not finished.
local function requeue(key, id, runAt, now)
  redis.call('HSET', key, 'state', 'queued', 'runAt', runAt)
  redis.call('HDEL', key, 'finishedAt')
  placeQueued(key, id, now)
end

-- The job fields stored as JSON text (payload, result, ...): `record` returns them as strings of
-- their own, so a large payload is never escaped into another JSON document.
local JSON_FIELDS = { payload = true, backoff = true, progress = true, result = true, error = true, webhook = true }

-- The job hash as every script returns a job (JobHash in src/replies.ts), or false when it does not
-- exist: first one JSON object of the other fields (field -> stored string), then each JSON field
-- present as name, value. A few strings per job instead of HGETALL's two per field, which cost the
-- client several times the CPU to decode (docs/benchmarks.md, "Redis"). cjson escapes quotes,
-- backslashes, '/' and control characters and copies every other byte, so each value decodes to
-- the stored string.
local function record(key)
  local fields = redis.call('HGETALL', key)
  if #fields == 0 then return false end
  local plain, out = {}, { '' }
  for i = 1, #fields, 2 do
    local name = fields[i]
    if JSON_FIELDS[name] then
      out[#out + 1] = name
      out[#out + 1] = fields[i + 1]
    else
      plain[name] = fields[i + 1]
    end
  end
  out[1] = cjson.encode(plain)
  return out
end
