-- list-waiting: a page of a queue's ungrouped queued jobs in claim order.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms)
-- ARGV[3]      offset: jobs to skip from the front of the claim order
-- ARGV[4]      limit: the page size
-- @returns JobHash[]
-- @use JobHash from replies
-- Returns: the jobs ready at now by the ordering rule (priority desc, runAt, seq), then those
--   scheduled after now by (runAt, priority desc, seq), offset skipped, at most limit.
-- Events: none.
-- Guarantees: read-only. The ready jobs are the ready set's members due at now (lib/common.lua,
--   clock skew) merged with each level's due scheduled jobs no claim moved yet, at most
--   offset + limit from each (the first offset + limit overall are among them). Only when those
--   run short are the scheduled jobs read: per level at most the missing number after now, plus
--   the ready-set members a claim with a clock ahead moved early. O((offset + limit) * levels)
--   members and `limit` hashes, whatever the queue's length. Grouped jobs (their own sets) are
--   never listed.
--! include lib/common.lua
--! include lib/ahead.lua

local now, offset, limit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local want = offset + limit

-- { sort key..., member } rows; ready rows sort by ready score, scheduled ones by runAt first.
local ready = {}
collect(ready, readyDueMembersAbove(nil, now, want))
for _, p in ipairs(redis.call('ZRANGE', K_LEVELS, 0, -1)) do
  collect(ready, redis.call('ZRANGEBYSCORE', levelKey(p), '-inf', now, 'WITHSCORES', 'LIMIT', 0, want), p)
end
table.sort(ready, before)

local members = {}
for i = 1, math.min(#ready, want) do members[i] = ready[i][2] end

if #members < want then
  -- The scheduled jobs, as { runAt, -priority, seq, member }; the first (want - ready) of them.
  local need, later = want - #members, {}
  local function add(rows, p, start)
    for i = 1, #rows, 2 do later[#later + 1] = { tonumber(rows[i + 1]) - start, -tonumber(p), seqOf(rows[i]), rows[i] } end
  end
  for _, p in ipairs(redis.call('ZRANGE', K_LEVELS, 0, -1)) do
    add(redis.call('ZRANGEBYSCORE', levelKey(p), '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, need), p, 0)
  end
  for _, q in ipairs(readyLevels(nil)) do
    add(redis.call('ZRANGEBYSCORE', K_READY, '(' .. readyScore(q, now), '(' .. levelStart(q - 1), 'WITHSCORES', 'LIMIT', 0, need), q, tonumber(levelStart(q)))
  end
  table.sort(later, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[3] < b[3]
  end)
  for i = 1, math.min(#later, need) do members[#members + 1] = later[i][4] end
end

local page = {}
for i = offset + 1, #members do
  -- A job whose hash is gone (evicted, or deleted by hand) is left out of the page.
  page[#page + 1] = record(jobKey(memberId(members[i]))) or nil
end
return page
