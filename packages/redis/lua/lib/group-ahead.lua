-- group-ahead: the first jobs ahead of a ready job of a grouped queue, per line (needs
-- lib/common.lua, lib/weights.lua, lib/ahead.lua and lib/group-position.lua).
--
-- groupAhead(input, now, listLimit, workLimit) -> { all, higher jobs, lines }
--   all: 1 when the jobs ahead number at most listLimit (everything ahead is read), else 0.
--   higher jobs: flat name, size or '' of the first jobs ahead at higher levels in the ordering
--     rule's order (priority desc, runAt, seq): all of them when `all`, else min(higher, workLimit).
--   lines: per group at the job's level with jobs ahead (its own group first), { group, stamp or
--     false, bound, flat name, size or '', weight, used }: bound = the group's jobs ahead of the
--     job (rank for its own group, min(ready, takenInRounds(other, k_job + [its turn goes first]))
--     for another, k_job = roundOf(own, rank): core's weightedBound); the jobs are its first
--     `bound` ready jobs when `all`, else its first min(bound, takenInRounds(line, k)) with k =
--     core's roundsWithin over the lines, so at most workLimit jobs are read at the back of any
--     queue. weight and used are the group's (lib/weights.lua). Core merges the lines in claim
--     order (rotationOrder) and groups their work.

-- How many of a line's jobs ahead lie in its first `rounds` rounds (core's inRounds).
local function inRounds(line, rounds)
  return math.min(line[3], takenInRounds(line.weight, line.used, rounds))
end

-- Core's roundsWithin: the largest k with sum(inRounds(line, k)) <= limit - min(higher, limit).
local function roundsWithin(lines, limit, higher)
  local room = limit - math.min(higher, limit)
  local lo, hi = 0, 0
  for _, l in ipairs(lines) do
    if l[3] > 0 then hi = math.max(hi, roundOf(l.weight, l.used, l[3] - 1) + 1) end
  end
  while lo < hi do
    local mid = math.ceil((lo + hi) / 2)
    local taken = 0
    for _, l in ipairs(lines) do taken = taken + inRounds(l, mid) end
    if taken <= room then lo = mid else hi = mid - 1 end
  end
  return lo
end

local function firstOf(picked, want)
  table.sort(picked, before)
  local members = {}
  for i = 1, math.min(want, #picked) do members[i] = picked[i][2] end
  return members
end

-- The first `want` ready jobs above level p in the ordering rule's order.
local function higherMembers(p, now, want)
  if want <= 0 then return {} end
  local picked = {}
  collect(picked, readyDueMembersAbove(p, now, want))
  for _, q in ipairs(redis.call('ZRANGEBYSCORE', K_LEVELS, '(' .. p, '+inf')) do
    collect(picked, redis.call('ZRANGEBYSCORE', levelKey(q), '-inf', now, 'WITHSCORES', 'LIMIT', 0, want), q)
  end
  for _, q in ipairs(redis.call('ZRANGEBYSCORE', K_GLEVELS, '(' .. p, '+inf')) do
    collect(picked, redis.call('ZRANGEBYSCORE', glvlKey(q), '-inf', now, 'WITHSCORES', 'LIMIT', 0, want), q)
  end
  return firstOf(picked, want)
end

-- A group's first `n` ready jobs at level p, by runAt then seq.
local function lineMembers(p, group, now, n)
  if n <= 0 then return {} end
  if group ~= DEFAULT_GROUP then return redis.call('ZRANGEBYSCORE', gqKey(p, group), '-inf', now, 'LIMIT', 0, n) end
  local picked = {}
  collect(picked, redis.call('ZRANGEBYSCORE', K_READY, levelStart(p), readyScore(p, now), 'WITHSCORES', 'LIMIT', 0, n))
  collect(picked, redis.call('ZRANGEBYSCORE', levelKey(p), '-inf', now, 'WITHSCORES', 'LIMIT', 0, n), p)
  return firstOf(picked, n)
end

local function namesOf(members)
  local out = {}
  for _, m in ipairs(members) do
    local g = redis.call('HMGET', jobKey(memberId(m)), 'name', 'size')
    out[#out + 1] = g[1]
    out[#out + 1] = g[2] or ''
  end
  return out
end

-- Each line's group, stamp and bound (with its weight and used count), own group first.
local function lineBounds(input)
  local own = input.ownTurn
  local ownTurn = input.own and tonumber(input.own) or math.huge
  local round = roundOf(own.weight, own.used, input.rank)
  local lines = { { input.group, input.own, input.rank, weight = own.weight, used = own.used } }
  for _, o in ipairs(input.others) do
    local t = tonumber(o[2])
    local first = t < ownTurn or (t == ownTurn and o[1] < input.group)
    local bound = math.min(o[3], takenInRounds(o.weight, o.used, round + (first and 1 or 0)))
    lines[#lines + 1] = { o[1], o[2], bound, weight = o.weight, used = o.used }
  end
  return lines
end

local function groupAhead(input, now, listLimit, workLimit)
  local lines = lineBounds(input)
  local ahead = input.higher
  for _, line in ipairs(lines) do ahead = ahead + line[3] end
  local all = ahead <= listLimit
  local higherWant, k = input.higher, nil
  if not all then
    higherWant = math.min(input.higher, workLimit)
    k = roundsWithin(lines, workLimit, higherWant)
  end
  local out = {}
  for _, line in ipairs(lines) do
    if line[3] > 0 then
      local want = k and inRounds(line, k) or line[3]
      out[#out + 1] = { line[1], line[2], line[3], namesOf(lineMembers(input.p, line[1], now, want)), line.weight, line.used }
    end
  end
  return { all and 1 or 0, namesOf(higherMembers(input.p, now, higherWant)), out }
end
