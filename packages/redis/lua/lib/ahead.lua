-- ahead: the work waiting in a range of the ready set (needs lib/common.lua).
--
-- workIn(first, last, listJobs) -> work, jobs
--   work: flat name, count, sizedCount, sizeSum for the jobs at ranks first..last (0-based,
--   inclusive), names in order of first appearance; jobs: flat name, size or '' per job in claim
--   order when listJobs, else false. O(last - first + log n).

local function workIn(first, last, listJobs)
  local byName, names, work = {}, {}, {}
  local jobs = listJobs and {} or false
  for start = first, last, 1000 do
    for _, m in ipairs(redis.call('ZRANGE', K_READY, start, math.min(start + 999, last))) do
      local g = redis.call('HMGET', jobKey(memberId(m)), 'name', 'size')
      local w = byName[g[1]]
      if not w then
        w = { 0, 0, 0 }
        byName[g[1]] = w
        names[#names + 1] = g[1]
      end
      w[1] = w[1] + 1
      if g[2] then w[2] = w[2] + 1; w[3] = w[3] + tonumber(g[2]) end
      if jobs then jobs[#jobs + 1] = g[1]; jobs[#jobs + 1] = g[2] or '' end
    end
  end
  for _, name in ipairs(names) do
    local w = byName[name]
    work[#work + 1] = name
    work[#work + 1] = int(w[1])
    work[#work + 1] = int(w[2])
    work[#work + 1] = string.format('%.17g', w[3])
  end
  return work, jobs
end
