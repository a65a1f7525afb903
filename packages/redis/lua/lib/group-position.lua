-- group-position: the counts core's groupPosition needs for a ready job of a grouped queue
-- (needs lib/common.lua and lib/weights.lua; docs/design/groups.md, "Position and ETA").
--
-- groupInputs(key, id, now) -> false unless the job is queued and ready at now; else a table:
--   p (level), group ('' for the default group), higher (ready jobs at higher levels, the whole
--   queue), rank (ready jobs of its group at its level sorting before it), own (its group's stamp
--   at the level, false without one), ownTurn ({ group, stamp or false, weight, used }) and
--   others ({ group, stamp, ready, weight, used } per other group holding a stamp at the level
--   with ready jobs there). weight and used are lib/weights.lua's (used as stored, uncapped; 1
--   and 0 without reading anything when the queue has no stored weights). Only the job itself may
--   move (an ungrouped job due at now to the ready set, as in readyRank). O((levels + groups) *
--   log n): one ZCOUNT per level and per group, no scan, plus two HMGETs with stored weights.
-- flatInputs(input) -> { higher, rank, own, others flat (group, stamp, ready, weight, used), group,
--   own weight, own used }, the reply's part.

-- The default group's ready jobs at level p: its ready-set range, plus its scheduled jobs due.
local function defaultReady(p, now)
  return redis.call('ZCOUNT', K_READY, levelStart(p), readyScore(p, now)) + redis.call('ZCOUNT', levelKey(p), '-inf', now)
end

local function groupReady(p, group, now)
  if group == DEFAULT_GROUP then return defaultReady(p, now) end
  return redis.call('ZCOUNT', gqKey(p, group), '-inf', now)
end

-- Ungrouped ready jobs above level p: the ready set's higher levels (their members due at now)
-- and the due scheduled jobs.
local function ungroupedHigher(p, now)
  local n = readyDueAbove(p, now)
  for _, q in ipairs(redis.call('ZRANGEBYSCORE', K_LEVELS, '(' .. p, '+inf')) do
    n = n + redis.call('ZCOUNT', levelKey(q), '-inf', now)
  end
  return n
end

local function groupedHigher(p, now)
  local n = 0
  for _, q in ipairs(redis.call('ZRANGEBYSCORE', K_GLEVELS, '(' .. p, '+inf')) do
    n = n + redis.call('ZCOUNT', glvlKey(q), '-inf', now)
  end
  return n
end

-- f = { state, runAt, seq, priority, group }: the job's rank in its group at its level, or false.
local function groupRank(key, id, now, f)
  if f[1] ~= 'queued' or tonumber(f[2]) > tonumber(now) then return false end
  if f[5] then return redis.call('ZRANK', gqKey(f[4], f[5]), member(f[3], id)) end
  return readyRank(key, id, now) - ungroupedHigher(f[4], now)
end

local function groupInputs(key, id, now)
  local f = redis.call('HMGET', key, 'state', 'runAt', 'seq', 'priority', 'group')
  local rank = groupRank(key, id, now, f)
  if not rank then return false end
  local p, group = f[4], f[5] or DEFAULT_GROUP
  local input = { p = p, group = group, rank = rank, own = false, others = {} }
  input.higher = ungroupedHigher(p, now) + groupedHigher(p, now)
  local turns = redis.call('ZRANGE', turnsKey(p), 0, -1, 'WITHSCORES')
  for i = 1, #turns, 2 do
    if turns[i] == group then
      input.own = turns[i + 1]
    else
      local ready = groupReady(p, turns[i], now)
      if ready > 0 then input.others[#input.others + 1] = { turns[i], turns[i + 1], ready } end
    end
  end
  input.ownTurn = { group, input.own }
  local weighed = { input.ownTurn }
  for _, o in ipairs(input.others) do weighed[#weighed + 1] = o end
  weighTurns(p, weighed)
  return input
end

local function flatInputs(input)
  local others = {}
  for _, o in ipairs(input.others) do
    others[#others + 1] = o[1]
    others[#others + 1] = o[2]
    others[#others + 1] = o[3]
    others[#others + 1] = o.weight
    others[#others + 1] = o.used
  end
  return { input.higher, input.rank, input.own, others, input.group, input.ownTurn.weight, input.ownTurn.used }
end
