-- ahead-work: the work waiting in one range of ranks of the ready set, for a position far back.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      first rank (0-based)
-- ARGV[3]      last rank (inclusive)
-- Returns: flat name, count, sizedCount, sizeSum per job name in that range
-- Events: none.
-- Guarantees: read-only, O(range + log n). position-inputs reads the work ahead itself up to its
--   scanLimit; beyond it the caller reads the ranks ahead in ranges, one short script each, so
--   Redis serves other clients in between (the ranges are then not one snapshot: claims meanwhile
--   shift ranks, which the estimate tolerates).
--! include lib/common.lua
--! include lib/ahead.lua

local work = workIn(tonumber(ARGV[2]), tonumber(ARGV[3]), false)
return work
