-- list-jobs: one page of a queue's jobs by seq, optionally filtered by state.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      offset (matching jobs to skip)
-- ARGV[3]      limit
-- ARGV[4]      'asc' or 'desc' (by seq)
-- ARGV[5]      the states to keep, comma-separated, or '' for every state
-- Returns: { records of the page, '1' when more matching jobs follow else '0' }
-- Events: none.
-- Guarantees: read-only. Unfiltered, a range on the all set: O(log n + limit). Filtered, a walk
--   of the all set in seq order reading each job's state: O(offset + limit + jobs skipped).
--! include lib/common.lua

local offset, limit, desc, filter = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == 'desc', ARGV[5]
local range = desc and 'ZREVRANGE' or 'ZRANGE'
local page = {}
if filter == '' then
  local ids = redis.call(range, K_ALL, offset, offset + limit)
  for i = 1, math.min(#ids, limit) do page[i] = redis.call('HGETALL', jobKey(ids[i])) end
  return { page, #ids > limit and '1' or '0' }
end

local keep = {}
for state in string.gmatch(filter, '[^,]+') do keep[state] = true end
local skipped, start, CHUNK = 0, 0, 500
while true do
  local ids = redis.call(range, K_ALL, start, start + CHUNK - 1)
  for _, id in ipairs(ids) do
    if keep[redis.call('HGET', jobKey(id), 'state')] then
      if skipped < offset then
        skipped = skipped + 1
      elseif #page == limit then
        return { page, '1' }
      else
        page[#page + 1] = redis.call('HGETALL', jobKey(id))
      end
    end
  end
  if #ids < CHUNK then return { page, '0' } end
  start = start + CHUNK
end
