-- renew-leases: extends held leases and reports cancel requests.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      the new lease expiry (now + leaseMs)
-- ARGV[3]      mode: 'leases' (ARGV[4] = count, then id, token pairs) or 'worker' (ARGV[4] =
--              worker id: every job running under it in this queue)
-- @returns Array<[id: string, held: '1' | '0', cancelRequested: '1' | '0']>
-- Returns: one entry per lease renewed or asked about.
-- Events: none.
-- Guarantees: atomic; a lease is renewed only while state = running and the token matches (or,
--   in worker mode, workerId matches); a lease not held is reported held '0' and not written.
--! include lib/common.lua

local expiresAt, mode = ARGV[2], ARGV[3]
local out = {}

local function renew(key, id)
  redis.call('HSET', key, 'leaseExpiresAt', expiresAt)
  redis.call('ZADD', K_RUNNING, expiresAt, id)
  local cancel = redis.call('HGET', key, 'cancelRequested') == '1' and '1' or '0'
  out[#out + 1] = { id, '1', cancel }
end

if mode == 'leases' then
  local n = tonumber(ARGV[4])
  for i = 0, n - 1 do
    local id, token = ARGV[5 + 2 * i], ARGV[6 + 2 * i]
    local key = jobKey(id)
    if holds(key, token) then renew(key, id) else out[#out + 1] = { id, '0', '0' } end
  end
else
  local workerId = ARGV[4]
  for _, id in ipairs(redis.call('ZRANGE', K_RUNNING, 0, -1)) do
    local key = jobKey(id)
    if redis.call('HGET', key, 'workerId') == workerId then renew(key, id) end
  end
end
return out
