//! The queue's Lua scripts. Each touches only the stream and keys that share
//! its hash tag (one Cluster slot).

/// The settlement scripts take the keys stream, retry set and dead-letter
/// stream, and the arguments group, entry id, consumer and delivery count,
/// then their own.
///
/// Settlement is fenced: it applies only while the pending entry (`ARGV[2]`)
/// is still held by this consumer (`ARGV[3]`) with the delivery count it was
/// received with (`ARGV[4]`). Otherwise another consumer reclaimed it (or the
/// same name reclaimed it again), or Redis lost it: answer 0, change nothing.
macro_rules! fenced {
    ($body:literal) => {
        concat!(
            r"
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if pending.err then
  if string.find(pending.err, 'NOGROUP', 1, true) then return 0 end
  return pending
end
local held = pending[1]
if not held or held[2] ~= ARGV[3] or tonumber(held[4]) ~= tonumber(ARGV[4]) then
  return 0
end",
            $body
        )
    };
}

/// Acknowledge and delete.
pub(super) const ACK: &str = fenced!(
    r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1"
);

/// Park the message in the retry set (`KEYS[2]`) scored by its due time on
/// the server's clock (`ARGV[5]` ms from now) as `<attempt> <id> <payload>`,
/// and take it off the stream, in one step.
pub(super) const RETRY: &str = fenced!(
    r"
local now = redis.call('TIME')
local due = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[5])
redis.call('ZADD', KEYS[2], due, ARGV[6] .. ' ' .. ARGV[2] .. ' ' .. ARGV[7])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1"
);

/// Append to the dead-letter stream (`KEYS[3]`: the payload `ARGV[5]`, its
/// attempt `ARGV[6]`, why `ARGV[7]`, the entry's id) and acknowledge.
pub(super) const DEAD_LETTER: &str = fenced!(
    r"
redis.call('XADD', KEYS[3], '*', 'event', ARGV[5], 'attempt', ARGV[6], 'reason', ARGV[7], 'id', ARGV[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1"
);

/// Move due retries (`KEYS[2]`) back onto the stream; answer the milliseconds
/// until the next one falls due, or -1.
pub(super) const PROMOTE: &str = r"
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ms, 'LIMIT', 0, 100)
for _, member in ipairs(due) do
  local attempt, payload = string.match(member, '^(%d+) %S+ (.*)$')
  redis.call('XADD', KEYS[1], '*', 'event', payload, 'attempt', attempt)
  redis.call('ZREM', KEYS[2], member)
end
local next = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if next[2] then return math.max(tonumber(next[2]) - ms, 0) end
return -1";

/// Take over (`XAUTOCLAIM`) the entries of consumers idle longer than
/// `ARGV[3]` ms, up to `ARGV[4]`, for the consumer `ARGV[2]`; answer each as
/// `{id, {field, value, ...}, delivery count}`, the count being the fence of
/// its settlement.
pub(super) const RECLAIM: &str = r"
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
local result = {}
for _, entry in ipairs(claimed[2]) do
  if entry then
    local held = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)[1]
    table.insert(result, {entry[1], entry[2], held and held[4] or 0})
  end
end
return result";
