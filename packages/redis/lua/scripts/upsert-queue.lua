-- upsert-queue: creates a queue's config or writes only the fields given.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      concurrency: '' keep, '-' no limit, else the limit
-- ARGV[3]      maxSize: '' keep, '-' no limit, else the limit
-- ARGV[4]      paused: '' keep, '1' or '0'
-- ARGV[5]      maxStalls: '' keep, else an integer >= 0 (absent in the hash reads as 1)
-- ARGV[6]      draining: '' keep, '1' or '0' (absent in the hash reads as not draining)
-- ARGV[7]      rate limit: '' keep, '-' none (the log of starts, K_CONFIG .. ':starts', is
--              deleted with it), else 'max:intervalMs' (stored as rateMax, rateIntervalMs; the
--              log is kept, see QueueConfig.rateLimit)
-- ARGV[8]      groupConcurrency: '' keep, '-' none, else the cap (an integer >= 1)
-- ARGV[9]      groupMaxWaiting: '' keep, '-' none, else the cap (an integer >= 1)
-- ARGV[10]     group rate limit: '' keep, '-' none (every group's log of starts,
--              TAG:grate:<group>, and their index TAG:grates are deleted with it), else
--              'max:intervalMs' (stored as groupRateMax, groupRateIntervalMs; the logs are kept)
-- @returns HashFields
-- @use HashFields from replies
-- Returns: the config hash after the write
-- Events: none.
-- Guarantees: atomic; two processes writing different fields never lose either write; a new
--   queue takes the defaults (no limits, not paused, not draining) for every field not given.
--   Setting draining is ordered with every enqueue (scripts run one at a time): an add either
--   ran before it or reads the flag. Setting groupConcurrency on a queue without one rebuilds
--   the per-group running counts (TAG:grun, lib/common.lua) from the running set in this script
--   (O(running jobs), once), marking each counted lease, so claims find them exact; while the cap
--   stays set every lease and every exit from running keeps them. Removing the cap stops the
--   counting (leases counted before still come off as they end). Removing the group rate limit
--   deletes the logs of the groups TAG:grates lists (every group with a log: lib/group-holds.lua),
--   O(such groups), in the same script.
--! include lib/common.lua

local function write(field, value)
  if value == '-' then redis.call('HDEL', K_CONFIG, field) elseif value ~= '' then redis.call('HSET', K_CONFIG, field, value) end
end
write('concurrency', ARGV[2])
write('maxSize', ARGV[3])
write('paused', ARGV[4])
write('maxStalls', ARGV[5] or '')
write('draining', ARGV[6] or '')
local rate = ARGV[7] or ''
if rate == '-' then
  redis.call('HDEL', K_CONFIG, 'rateMax', 'rateIntervalMs')
  redis.call('DEL', K_CONFIG .. ':starts')
elseif rate ~= '' then
  local sep = string.find(rate, ':', 1, true)
  redis.call('HSET', K_CONFIG, 'rateMax', string.sub(rate, 1, sep - 1), 'rateIntervalMs', string.sub(rate, sep + 1))
end
-- Counts every named group's running jobs afresh, marking each lease as counted.
local function countRunning()
  redis.call('DEL', K_GRUN)
  for _, id in ipairs(redis.call('ZRANGE', K_RUNNING, 0, -1)) do
    local key = jobKey(id)
    local group = redis.call('HGET', key, 'group')
    if group then
      redis.call('HINCRBY', K_GRUN, group, 1)
      redis.call('HSET', key, 'grun', group)
    end
  end
end

local groupCap = ARGV[8] or ''
if groupCap ~= '' and groupCap ~= '-' and not redis.call('HGET', K_CONFIG, 'groupConcurrency') then countRunning() end
write('groupConcurrency', groupCap)
write('groupMaxWaiting', ARGV[9] or '')
local groupRate = ARGV[10] or ''
if groupRate == '-' then
  redis.call('HDEL', K_CONFIG, 'groupRateMax', 'groupRateIntervalMs')
  for _, group in ipairs(redis.call('ZRANGE', K_GRATES, 0, -1)) do redis.call('DEL', grateKey(group)) end
  redis.call('DEL', K_GRATES)
elseif groupRate ~= '' then
  local sep = string.find(groupRate, ':', 1, true)
  redis.call('HSET', K_CONFIG, 'groupRateMax', string.sub(groupRate, 1, sep - 1), 'groupRateIntervalMs', string.sub(groupRate, sep + 1))
end
redis.call('HSETNX', K_CONFIG, 'paused', '0')
return redis.call('HGETALL', K_CONFIG)
