-- weights: group weights and the used count of each (level, group) turn (needs lib/common.lua;
-- docs/design/groups.md "Turns", core's group-rotation.ts: weightOf, usedOf, takenInRounds,
-- roundOf, afterServe).
--
--   TAG:gweights   hash  named group -> weight (an integer 1..100, written by set-group.lua);
--                        absent = 1. Redis deletes an empty hash, so the key exists only while
--                        some group of the queue has stored settings: one EXISTS tells a claim or
--                        a position read whether to read weights at all.
--   TAG:tused:<p>  hash  group -> '<stamp>:<used>': how many jobs of its current round the group
--                        gave at level p while holding the turn stamp <stamp>. A field whose stamp
--                        is not the group's stamp now reads 0: a claim that found no stored weights
--                        restamps or drops a stamp without touching this hash, and the group's next
--                        stamp (a new one, from TAG:tseq) must start its round at 0. Claims of a
--                        weighted queue delete the field when they delete or renew the stamp.
-- Neither needs a backfill: a queue written before them has no weights (all 1) and no used (0).

local K_GWEIGHTS = TAG .. ':gweights'

local function tusedKey(p)
  return TAG .. ':tused:' .. int(tonumber(p))
end

-- True when some group of the queue has a stored weight (one EXISTS).
local function hasWeights()
  return redis.call('EXISTS', K_GWEIGHTS) == 1
end

-- A named group's stored weight, 1 without one (the default group always has 1).
local function weightOf(group)
  if group == DEFAULT_GROUP then return 1 end
  return tonumber(redis.call('HGET', K_GWEIGHTS, group) or '1')
end

-- A TAG:tused field's used count while the group holds `stamp` (0 when absent, or written under
-- another stamp, or the group holds none).
local function decodeUsed(value, stamp)
  if not value or not stamp then return 0 end
  local sep = string.find(value, ':', 1, true)
  if not sep or tonumber(string.sub(value, 1, sep - 1)) ~= tonumber(stamp) then return 0 end
  return tonumber(string.sub(value, sep + 1)) or 0
end

-- Core's usedOf: the used count as the rules read it, capped at weight - 1.
local function cappedUsed(weight, used)
  return math.min(used, weight - 1)
end

-- Core's takenInRounds: a group's ready jobs in its first `rounds` rounds.
local function takenInRounds(weight, used, rounds)
  return math.max(0, rounds * weight - cappedUsed(weight, used))
end

-- Core's roundOf: the round (0 = the current one) of a group's ready job of rank `rank`.
local function roundOf(weight, used, rank)
  return math.floor((rank + cappedUsed(weight, used)) / weight)
end

-- Core's afterServe for `group`, just served at level p with jobs left there: true, its used count
-- one higher, while its round lasts; false, its used field deleted, when the round is over and the
-- group must take a stamp behind every other. Only claims of a queue with stored weights call it.
local function keepTurn(p, group)
  local key = tusedKey(p)
  local weight = weightOf(group)
  if weight > 1 then
    local stamp = redis.call('ZSCORE', turnsKey(p), group)
    local used = cappedUsed(weight, decodeUsed(redis.call('HGET', key, group), stamp)) + 1
    if used < weight then
      redis.call('HSET', key, group, stamp .. ':' .. int(used))
      return true
    end
  end
  redis.call('HDEL', key, group)
  return false
end

-- Weight and used count of each turn at level p, in place: turns are { group, stamp or false, ... }
-- and gain [weight] and [used] fields. With no stored weights every turn is (1, 0) and nothing is
-- read; else two HMGETs per 500 turns.
local function weighTurns(p, turns)
  for _, t in ipairs(turns) do
    t.weight, t.used = 1, 0
  end
  if #turns == 0 or not hasWeights() then return end
  for from = 1, #turns, 500 do
    local groups = {}
    for i = from, math.min(from + 499, #turns) do groups[#groups + 1] = turns[i][1] end
    local weights = redis.call('HMGET', K_GWEIGHTS, unpack(groups))
    local used = redis.call('HMGET', tusedKey(p), unpack(groups))
    for i = 1, #groups do
      local t = turns[from + i - 1]
      if t[1] ~= DEFAULT_GROUP then t.weight = tonumber(weights[i] or '1') end
      t.used = decodeUsed(used[i], t[2])
    end
  end
end
