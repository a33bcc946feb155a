/** Lua run atomically inside Redis: the shared bucket state of every rest-proxy instance. */

// Per bucket (route + major + identity) four keys:
// - the state hash: limit (-1 = no limit; absent = unknown), used (places taken this window), reset
//   (ms; -1 = a new window whose end no answer has told yet), epoch (window counter), blocked (ms),
//   window (ms), carry (answers of this window's requests that Discord already counted in the next
//   window), seq (the last ticket given), unsent, unsentAt, unsentBy (the last ticket let through,
//   when, and to which instance, until that instance says it is sent), hash (on a bucket keyed by
//   route: Discord's bucket hash an answer named, whose key every request of the route moves to);
// - the queue, a sorted set of waiting tickets (score: arrival order, re-sent 429s and interaction
//   responses first), so every instance's callers are served in the order they reached any instance;
// - the leases of waiting tickets and of places in flight (ticket → ms): the instance holding them
//   renews them; those of a caller or instance gone are dropped when they run out, so nothing stalls
//   a bucket for longer than a lease.
const readState = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local f = redis.call('HMGET', KEYS[1], 'limit', 'used', 'reset', 'epoch', 'blocked', 'window', 'carry', 'hash')
local limit = tonumber(f[1])
local used = tonumber(f[2]) or 0
local reset = tonumber(f[3]) or 0
local epoch = tonumber(f[4]) or 0
local blocked = tonumber(f[5]) or 0
local window = tonumber(f[6]) or 1000
local carry = tonumber(f[7]) or 0
local movedTo = f[8]
`;

/** Counts the live in-flight leases of the hash at `key`, dropping the ones that ran out. */
const countInFlight = (key: string) => `
local inflight = 0
local held = redis.call('HGETALL', ${key})
for i = 1, #held, 2 do
  if tonumber(held[i + 1]) > now then inflight = inflight + 1 else redis.call('HDEL', ${key}, held[i]) end
end
`;

/**
 * KEYS: bucket state, global places (a sorted set: a sliding window), global block, bucket queue,
 * waiting leases, in-flight leases.
 * ARGV: global limit, exempt (0/1), key ttl (ms), global window (ms), in-flight hold (ms),
 * ticket ('' on arrival), priority (0-2), lease (ms), wait behind another live ticket (ms), how long
 * a ticket let through holds the next back at most without its `SENT` (ms), the asking instance.
 * Returns { wait ms (0 = go, a place is taken), epoch, global place ('' when none), ticket }, or
 * { -1, epoch, '', '', hash } when the bucket is a route's that an answer put in Discord's bucket
 * `hash` (the ticket asked with is dropped; the request asks again under the hash's key).
 *
 * A request takes a ticket on arrival (the same call tries to send it: one round trip when the
 * bucket has room), and only the first live ticket of the queue may take a place; the others ask
 * again after the wait, and, when the ticket let through before it went to another instance, not
 * before that one is sent (its instance says so with `SENT`): a bucket's requests leave in ticket
 * order whichever instance holds them (one instance sends its own in order by itself). A
 * ticket whose lease ran out (its caller or instance is gone) is dropped when it reaches the front;
 * a ticket asked with that is no longer queued gets a new one at the back.
 *
 * A global place is held while its request is in flight (scored `now + hold`) and for a window
 * after its answer (UPDATE scores it with the answer's time): Discord counts a request when it
 * arrives, which is before its answer, so no stretch of one window can hold more arrivals than
 * the limit, however long requests took to get there.
 */
export const RESERVE = `${readState}${countInFlight('KEYS[6]')}
local ttl = ARGV[3]
local lease = tonumber(ARGV[8])
local function save()
  redis.call('HSET', KEYS[1], 'used', used, 'reset', reset, 'epoch', epoch, 'carry', carry)
  for k = 1, 6 do if k ~= 2 and k ~= 3 then redis.call('PEXPIRE', KEYS[k], ttl) end end
end
local ticket = ARGV[6]
if movedTo then
  if ticket ~= '' then
    redis.call('ZREM', KEYS[4], ticket)
    redis.call('HDEL', KEYS[5], ticket)
  end
  return { -1, epoch, '', '', movedTo }
end
if ticket == '' or not redis.call('ZSCORE', KEYS[4], ticket) then
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  ticket = tostring(seq)
  redis.call('ZADD', KEYS[4], seq - tonumber(ARGV[7]) * 1099511627776, ticket)
  redis.call('HSET', KEYS[5], ticket, now + lease)
end
local head
repeat
  head = redis.call('ZRANGE', KEYS[4], 0, 0)[1]
  local live = head == ticket or tonumber(redis.call('HGET', KEYS[5], head) or '0') > now
  if not live then
    redis.call('ZREM', KEYS[4], head)
    redis.call('HDEL', KEYS[5], head)
  end
until live
if blocked > now then
  save()
  return { blocked - now, epoch, '', ticket }
end
if limit == nil then
  if inflight > 0 then
    save()
    return { 25, epoch, '', ticket }
  end
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
        return { 25, epoch, '', ticket }
      end
      reset = now + window
    end
    save()
    return { math.max(1, reset - now), epoch, '', ticket }
  end
end
-- The identity's global places: every ticket of a bucket waits for them alike, first or not.
local count = 0
if ARGV[2] == '0' then
  local gblock = redis.call('PTTL', KEYS[3])
  if gblock > 0 then
    save()
    return { gblock, epoch, '', ticket }
  end
  local cut = now - tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cut)
  count = redis.call('ZCARD', KEYS[2])
  if count >= tonumber(ARGV[1]) then
    local oldest = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
    save()
    -- All in flight: an answer frees the first place a window after it comes.
    if oldest > now then return { 25, epoch, '', ticket } end
    return { math.max(1, oldest - cut), epoch, '', ticket }
  end
end
local unsent = redis.call('HMGET', KEYS[1], 'unsent', 'unsentAt', 'unsentBy')
if head ~= ticket or (unsent[1] and unsent[3] ~= ARGV[11] and now - tonumber(unsent[2]) < tonumber(ARGV[10])) then
  save()
  return { tonumber(ARGV[9]), epoch, '', ticket }
end
local slot = ''
if ARGV[2] == '0' then
  slot = now .. ':' .. count
  local hold = tonumber(ARGV[5])
  redis.call('ZADD', KEYS[2], now + hold, slot)
  redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[2]), hold + tonumber(ARGV[4])))
end
if limit ~= nil and limit >= 0 then used = used + 1 end
redis.call('ZREM', KEYS[4], ticket)
redis.call('HDEL', KEYS[5], ticket)
redis.call('HSET', KEYS[6], ticket, now + lease)
redis.call('HSET', KEYS[1], 'unsent', ticket, 'unsentAt', now, 'unsentBy', ARGV[11])
save()
return { 0, epoch, slot, ticket }
`;

/**
 * KEYS: bucket state, global block, global places, in-flight leases. ARGV: epoch, has limits (0/1),
 * limit, remaining, reset-after (ms), unlimited (0/1), blocked ms, global blocked ms, key ttl (ms),
 * global place ('' for none), ticket (its in-flight lease ends; it no longer holds the next back),
 * Discord's bucket hash of a bucket keyed by route ('' for none: the route's requests move to it).
 */
export const UPDATE = `${readState}
redis.call('HDEL', KEYS[4], ARGV[11])
-- Answered or given back: it holds back the next ticket no longer.
if redis.call('HGET', KEYS[1], 'unsent') == ARGV[11] then redis.call('HDEL', KEYS[1], 'unsent', 'unsentAt', 'unsentBy') end
${countInFlight('KEYS[4]')}
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
if ARGV[12] ~= '' then redis.call('HSET', KEYS[1], 'hash', ARGV[12]) end
if ARGV[10] ~= '' then redis.call('ZADD', KEYS[3], 'XX', now, ARGV[10]) end
redis.call('HSET', KEYS[1], 'used', used, 'reset', reset, 'blocked', blocked, 'carry', carry)
redis.call('PEXPIRE', KEYS[1], ARGV[9])
return 1
`;

/** The ticket let through is on its way: the next may go. KEYS: bucket state. ARGV: ticket. */
export const SENT = `
if redis.call('HGET', KEYS[1], 'unsent') == ARGV[1] then redis.call('HDEL', KEYS[1], 'unsent', 'unsentAt', 'unsentBy') end
return 1
`;

/**
 * Renews the leases an instance holds. KEYS: per bucket its waiting leases then its in-flight
 * leases, in pairs. ARGV: lease (ms), then per bucket the number of its tickets and the tickets.
 * A lease that already ran out is not brought back: its ticket asks again and queues anew.
 */
export const RENEW = `
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local at = 2
for k = 1, #KEYS, 2 do
  local n = tonumber(ARGV[at])
  for i = at + 1, at + n do
    for _, key in ipairs({ KEYS[k], KEYS[k + 1] }) do
      if redis.call('HEXISTS', key, ARGV[i]) == 1 then redis.call('HSET', key, ARGV[i], until_) end
    end
  end
  at = at + n + 1
end
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
