-- position: a job's 1-based position among its queue's ready jobs, in O(log n).
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- Returns: { 'ok', rank } (0-based: position - 1); { 'none' } when the job is not queued and
--          ready at now; { 'missing' } for an unknown id
-- Events: none.
-- Guarantees: exact and O(levels * log n): ZRANK in the ready set plus the scheduled jobs due at
--   now that sort before the job but no claim moved yet (lib/common.lua dueAhead). Only the job
--   itself may move (to the ready set, when it is due and still scheduled).
--! include lib/common.lua

local id, now = ARGV[2], ARGV[3]
local key = jobKey(id)
if redis.call('EXISTS', key) == 0 then return { 'missing' } end
local rank = readyRank(key, id, now)
if not rank then return { 'none' } end
return { 'ok', rank }
