-- list-jobs: one page of a queue's jobs by seq, or one bounded step of a filtered listing.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      offset: matching jobs still to skip
-- ARGV[3]      limit: matching jobs wanted (unfiltered: the page size)
-- ARGV[4]      'asc' or 'desc' (by seq)
-- ARGV[5]      the states to keep, comma-separated, or '' for every state
-- ARGV[6]      filtered only: the rank in the all set (in ARGV[4]'s order) to go on from
-- ARGV[7]      filtered only: how many jobs this step may read at most
-- ARGV[8]      afterSeq, or '' (or absent) for none: only jobs whose seq is after it in ARGV[4]'s
--              order (keyset paging; ranks and offsets count from the first such job)
-- @returns [page: JobHash[], more: '1' | '0'] | [page: JobHash[], skipped: number, next: number]
-- @use JobHash from replies
-- Returns: unfiltered, the page and whether more jobs follow; filtered, the matching jobs (at most
--   limit), how many matches were skipped, and the rank to go on from, or -1 when the all set is
--   exhausted
-- Events: none.
-- Guarantees: read-only. Unfiltered, a range on the all set: O(log n + limit). Filtered, a walk of
--   the all set in seq order reading each job's state, at most ARGV[7] jobs per call, so a long
--   queue is listed in several short scripts (src/reads.ts loops) and never stalls Redis. With
--   afterSeq, one ZCOUNT (O(log n)) finds where to start.
--! include lib/common.lua

local offset, limit, desc, filter = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == 'desc', ARGV[5]
local range = desc and 'ZREVRANGE' or 'ZRANGE'
local page = {}
local base, after = 0, ARGV[8]
if after and after ~= '' then
  base = desc and redis.call('ZCOUNT', K_ALL, after, '+inf') or redis.call('ZCOUNT', K_ALL, '-inf', after)
end
if filter == '' then
  local ids = redis.call(range, K_ALL, base + offset, base + offset + limit)
  -- A job whose hash is gone (evicted, or deleted by hand) is left out of the page.
  for i = 1, math.min(#ids, limit) do page[#page + 1] = record(jobKey(ids[i])) or nil end
  return { page, #ids > limit and '1' or '0' }
end

local keep = {}
for state in string.gmatch(filter, '[^,]+') do keep[state] = true end
local skip, cursor, budget = offset, math.max(tonumber(ARGV[6]), base), tonumber(ARGV[7])
local skipped, stop = 0, cursor + budget - 1
for start = cursor, stop, 500 do
  local ids = redis.call(range, K_ALL, start, math.min(start + 499, stop))
  for i, id in ipairs(ids) do
    if keep[redis.call('HGET', jobKey(id), 'state')] then
      if skipped < skip then
        skipped = skipped + 1
      else
        page[#page + 1] = record(jobKey(id))
        if #page == limit then return { page, skipped, start + i } end
      end
    end
  end
  if #ids < math.min(500, stop - start + 1) then return { page, skipped, -1 } end
end
return { page, skipped, stop + 1 }
