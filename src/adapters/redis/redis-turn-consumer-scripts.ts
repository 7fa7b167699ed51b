import type { RedisClient } from './redis-client.js';

/**
 * Deletes a consumer from the group only when it owns no pending entries: XGROUP DELCONSUMER
 * drops a consumer's pending entries from the group, so a consumer that still owns some must
 * stay until they are acknowledged or reclaimed. Returns 1 (deleted), 0 (kept: entries
 * pending) or -1 (no such stream or group).
 * KEYS: stream. ARGV: group, consumer.
 */
const DELETE_CONSUMER_SCRIPT = `
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if type(pending) ~= 'table' or pending.err then return -1 end
if #pending > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Deletes the consumers (other than the caller) that own no pending entries and have been idle
 * (no read or claim) for at least the given time: those of processes that died, once their
 * entries were reclaimed. Returns the names deleted.
 * KEYS: stream. ARGV: group, the caller's consumer, min idle ms.
 */
const DELETE_DEAD_CONSUMERS_SCRIPT = `
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) ~= 'table' or consumers.err then return {} end
local deleted = {}
for _, consumer in ipairs(consumers) do
  local fields = {}
  for index = 1, #consumer, 2 do fields[consumer[index]] = consumer[index + 1] end
  if fields['name'] ~= ARGV[2] and tonumber(fields['pending']) == 0 and tonumber(fields['idle']) >= tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
    table.insert(deleted, fields['name'])
  end
end
return deleted`;

/** Outcome of {@link deleteRedisTurnConsumer}. */
export type DeleteConsumerResult = 'deleted' | 'pending' | 'no-group';

/** Deletes `consumer` from `group` unless it owns pending entries (see DELETE_CONSUMER_SCRIPT). */
export async function deleteRedisTurnConsumer(redis: RedisClient, streamKey: string, group: string, consumer: string): Promise<DeleteConsumerResult> {
  const reply = await redis.eval(DELETE_CONSUMER_SCRIPT, 1, streamKey, group, consumer);
  return reply === 1 ? 'deleted' : reply === 0 ? 'pending' : 'no-group';
}

/** Deletes idle consumers without pending entries, other than `self`; returns their names. */
export async function deleteDeadRedisTurnConsumers(redis: RedisClient, streamKey: string, group: string, self: string, minIdleMs: number): Promise<string[]> {
  const reply = await redis.eval(DELETE_DEAD_CONSUMERS_SCRIPT, 1, streamKey, group, self, Math.max(0, Math.floor(minIdleMs)));
  return Array.isArray(reply) ? reply.map(String) : [];
}
