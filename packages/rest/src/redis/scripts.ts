/** Lua run atomically inside Redis: the shared bucket state of every rest-proxy instance. */

// Bucket hash fields: limit (-1 = no limit; absent = unknown), used (places taken this window),
// reset (ms; -1 = a new window whose end no answer has told yet), epoch (window counter),
// inflight, blocked (ms), probe (ms until which one instance probes an unknown bucket), window (ms),
// carry (answers of this window's requests that Discord already counted in the next window).
const readState = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local f = redis.call('HMGET', KEYS[1], 'limit', 'used', 'reset', 'epoch', 'inflight', 'blocked', 'probe', 'window', 'carry')
local limit = tonumber(f[1])
local used = tonumber(f[2]) or 0
local reset = tonumber(f[3]) or 0
local epoch = tonumber(f[4]) or 0
local inflight = tonumber(f[5]) or 0
local blocked = tonumber(f[6]) or 0
local probe = tonumber(f[7]) or 0
local window = tonumber(f[8]) or 1000
local carry = tonumber(f[9]) or 0
`;

/**
 * KEYS: bucket, global places (a sorted set: a sliding window), global block.
 * ARGV: global limit, exempt (0/1), key ttl (ms), global window (ms), in-flight hold (ms).
 * Returns { wait ms (0 = go, a place is taken), epoch, global place ('' when exempt) }.
 * A global place is held while its request is in flight (scored `now + hold`) and for a window
 * after its answer (UPDATE scores it with the answer's time): Discord counts a request when it
 * arrives, which is before its answer, so no stretch of one window can hold more arrivals than
 * the limit, however long requests took to get there.
 */
export const RESERVE = `${readState}
local function save()
  redis.call('HSET', KEYS[1], 'used', used, 'reset', reset, 'epoch', epoch, 'inflight', inflight, 'carry', carry)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
if blocked > now then return { blocked - now, epoch } end
if limit == nil then
  if probe > now then return { math.min(probe - now, 50), epoch } end
elseif limit >= 0 then
  if reset > 0 and reset <= now then
    used = inflight + carry
    carry = 0
    reset = -1
    epoch = epoch + 1
  end
  if used >= limit then
    if reset == -1 then
      if inflight > 0 then
        save()
        return { 25, epoch }
      end
      reset = now + window
    end
    save()
    return { math.max(1, reset - now), epoch }
  end
end
local slot = ''
if ARGV[2] == '0' then
  local gblock = redis.call('PTTL', KEYS[3])
  if gblock > 0 then
    save()
    return { gblock, epoch }
  end
  local cut = now - tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cut)
  local count = redis.call('ZCARD', KEYS[2])
  if count >= tonumber(ARGV[1]) then
    local oldest = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
    save()
    -- All in flight: an answer frees the first place a window after it comes.
    if oldest > now then return { 25, epoch } end
    return { math.max(1, oldest - cut), epoch }
  end
  slot = now .. ':' .. count
  local hold = tonumber(ARGV[5])
  redis.call('ZADD', KEYS[2], now + hold, slot)
  redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[2]), hold + tonumber(ARGV[4])))
end
if limit == nil then
  redis.call('HSET', KEYS[1], 'probe', now + 5000)
elseif limit >= 0 then
  used = used + 1
end
inflight = inflight + 1
save()
return { 0, epoch, slot }
`;

/**
 * KEYS: bucket, global block, global places. ARGV: epoch, has limits (0/1), limit, remaining,
 * reset-after (ms), unlimited (0/1), blocked ms, global blocked ms, key ttl (ms), global place ('' for none).
 */
export const UPDATE = `${readState}
inflight = math.max(0, inflight - 1)
redis.call('HDEL', KEYS[1], 'probe')
if ARGV[2] == '1' then
  local L = tonumber(ARGV[3])
  local R = tonumber(ARGV[4])
  local after = tonumber(ARGV[5])
  window = math.max(window, after)
  if limit == nil or limit < 0 then
    used = math.max(0, L - R) + inflight
    reset = now + after
  elseif tonumber(ARGV[1]) == epoch then
    if reset > 0 and now + after > reset + window / 2 then
      carry = carry + 1
    else
      used = math.max(used, L - R)
      if reset == -1 then reset = now + after else reset = math.max(reset, now + after) end
    end
  end
  redis.call('HSET', KEYS[1], 'limit', L, 'window', window)
elseif ARGV[6] == '1' and limit == nil then
  redis.call('HSET', KEYS[1], 'limit', -1)
end
local b = tonumber(ARGV[7])
if b > 0 then
  blocked = math.max(blocked, now + b)
  if limit ~= nil and limit < 0 then
    redis.call('HSET', KEYS[1], 'limit', 1)
    used = 1
    reset = now + b
  end
end
local g = tonumber(ARGV[8])
if g > 0 then redis.call('SET', KEYS[2], '1', 'PX', g) end
if ARGV[10] ~= '' then redis.call('ZADD', KEYS[3], 'XX', now, ARGV[10]) end
redis.call('HSET', KEYS[1], 'used', used, 'reset', reset, 'inflight', inflight, 'blocked', blocked, 'carry', carry)
redis.call('PEXPIRE', KEYS[1], ARGV[9])
return 1
`;

/**
 * Invalid answers per outgoing IP in per-second fields. KEYS: counts, marks. ARGV: window ms, count,
 * mark key ('' for none), mark ttl (ms). Returns { total, { mark, until, ... }, Redis's now }.
 */
export const INVALID_RECORD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local tick = math.floor(now / 1000)
local oldest = tick - math.ceil(window / 1000)
if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[1], tick, ARGV[2]) end
redis.call('PEXPIRE', KEYS[1], window + 1000)
if ARGV[3] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
  local untilMs = now + tonumber(ARGV[4])
  if untilMs > current then redis.call('HSET', KEYS[2], ARGV[3], untilMs) end
  redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[2]), tonumber(ARGV[4])))
end
local total = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i]) > oldest then total = total + tonumber(all[i + 1]) else redis.call('HDEL', KEYS[1], all[i]) end
end
local marks = {}
local m = redis.call('HGETALL', KEYS[2])
for i = 1, #m, 2 do
  if tonumber(m[i + 1]) > now then
    marks[#marks + 1] = m[i]
    marks[#marks + 1] = m[i + 1]
  else
    redis.call('HDEL', KEYS[2], m[i])
  end
end
return { total, marks, now }
`;
