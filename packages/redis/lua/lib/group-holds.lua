-- group-holds: what holds a named group back in one grouped claim (needs lib/common.lua): the
-- queue's groupConcurrency (its running jobs, TAG:grun) and its groupRateLimit (its starts in the
-- window, TAG:grate:<group>). The default group '' (ungrouped jobs) is never held.
--
-- groupHolds(now, cap, rateMax, rateMs) -> the holds of one claim at `now` (cap nil: no
--   groupConcurrency; rateMax and rateMs nil: no groupRateLimit, and then nothing below reads or
--   writes a rate key).
-- isHeld(h, p, group, now) -> true when `group` may not start a job now: at its cap (one HGET),
--   or without a token. A group's tokens are read once per claim (its log trimmed to the starts
--   after now - rateMs, then ZCARD) and counted down by tookStart, so the claim's own starts count.
--   A group held for want of a token only, with a ready head at level p, has its next token noted
--   (once per claim): the rateMax-th newest start + rateMs, never before now.
-- tookStart(h, group, token) -> logs a start of a named group under the rate limit: ZADD of the
--   lease token at now to TAG:grate:<group>, and the group at now in the index TAG:grates.
-- trimGroupLogs(h) -> forgets, per claim, at most 8 groups whose newest start in the index left
--   the window (their logs trimmed, dropped when empty), so logs of groups that stopped starting
--   do not stay behind.
-- Guarantees: called inside the claim script only, so reading the tokens and logging the starts
--   are one atomic step: two claimers can never both take a group's last token.

local function groupHolds(now, cap, rateMax, rateMs)
  return { now = tonumber(now), nowS = now, cap = cap, max = rateMax, ms = rateMs, tokens = {}, noted = {}, nextAt = nil }
end

-- The tokens `group` has left in this claim; its log is trimmed at the first look.
local function groupTokens(h, group)
  local t = h.tokens[group]
  if t ~= nil then return t end
  local key = grateKey(group)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', int(h.now - h.ms))
  t = h.max - redis.call('ZCARD', key)
  if t < 0 then t = 0 end
  h.tokens[group] = t
  return t
end

-- Notes when `group` (no token left) gets its next one, keeping the earliest such time.
local function noteNextToken(h, group)
  h.noted[group] = true
  local oldest = redis.call('ZREVRANGE', grateKey(group), h.max - 1, h.max - 1, 'WITHSCORES')
  local at = math.max(h.now, tonumber(oldest[2]) + h.ms)
  if not h.nextAt or at < h.nextAt then h.nextAt = at end
end

local function isHeld(h, p, group, now)
  if group == DEFAULT_GROUP then return false end
  if h.cap and tonumber(redis.call('HGET', K_GRUN, group) or '0') >= h.cap then return true end
  if not h.max or groupTokens(h, group) > 0 then return false end
  if not h.noted[group] and redis.call('ZRANGEBYSCORE', gqKey(p, group), '-inf', now, 'LIMIT', 0, 1)[1] then
    noteNextToken(h, group)
  end
  return true
end

local function tookStart(h, group, token)
  if not h.max or group == DEFAULT_GROUP then return end
  redis.call('ZADD', grateKey(group), h.nowS, token)
  redis.call('ZADD', K_GRATES, h.nowS, group)
  h.tokens[group] = groupTokens(h, group) - 1
end

local function trimGroupLogs(h)
  if not h.max then return end
  local cut = int(h.now - h.ms)
  for _, group in ipairs(redis.call('ZRANGEBYSCORE', K_GRATES, '-inf', cut, 'LIMIT', 0, 8)) do
    local key = grateKey(group)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', cut)
    local newest = redis.call('ZREVRANGE', key, 0, 0, 'WITHSCORES')
    if #newest == 0 then
      redis.call('ZREM', K_GRATES, group)
    else
      redis.call('ZADD', K_GRATES, newest[2], group)
    end
  end
end
