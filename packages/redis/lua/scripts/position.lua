-- position: a job's 1-based position among its queue's ready jobs, in O(log n).
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- @returns [tag: 'ok', rank: number] | [tag: 'grouped', inputs: GroupedInputsReply] | [tag: 'none']
--   | [tag: 'missing']
-- @use GroupedInputsReply from group-position
-- Returns: 'ok' with the rank (0-based: position - 1); 'grouped' in a grouped queue, with the
--   inputs of core's groupPosition (lib/group-position.lua flatInputs); 'none' when the job is
--   not queued and ready at now; 'missing' for an unknown id
-- Events: none.
-- Guarantees: exact and O(levels * log n): ZRANK in the ready set plus the scheduled jobs due at
--   now that sort before the job but no claim moved yet (lib/common.lua dueAhead). Only the job
--   itself may move (to the ready set, when it is due and still scheduled). A grouped queue costs
--   O((levels + groups at the job's level) * log n) (lib/group-position.lua).
--! include lib/common.lua
--! include lib/weights.lua
--! include lib/group-position.lua

local id, now = ARGV[2], ARGV[3]
local key = jobKey(id)
if redis.call('EXISTS', key) == 0 then return { 'missing' } end
if isGrouped() then
  local input = groupInputs(key, id, now)
  if not input then return { 'none' } end
  return { 'grouped', flatInputs(input) }
end
local rank = readyRank(key, id, now)
if not rank then return { 'none' } end
return { 'ok', rank }
