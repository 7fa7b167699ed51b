import type { RedisClient } from './redis-client.js';
import type { SessionClosingSchedule } from '../../core/sessions/ports.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';

/** Options of {@link createRedisSessionClosingSchedule}. */
export interface RedisSessionClosingScheduleOptions {
  redis: RedisClient;
  /** The sorted set (from `redis-keys.ts`: `sessionClosing`). */
  key: string;
  /** How long the set lives after its last write: longer than any thread's retention. */
  keyTtlMs: number;
}

/**
 * Takes the due members and removes them in one step, so each thread is handed to one replica.
 * One key: safe on Redis Cluster. KEYS: the set. ARGV: now ms, limit.
 */
const TAKE_DUE_SCRIPT = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due`;

/**
 * When sessions close, in one sorted set: a member per thread (its `{team:channel:ts}` id), scored
 * by the time it closes. The set holds one member per thread with an open session, and expires
 * a while after its last write.
 */
export function createRedisSessionClosingSchedule(options: RedisSessionClosingScheduleOptions): SessionClosingSchedule {
  const { redis, key, keyTtlMs } = options;
  return {
    async schedule(thread, closeAt) {
      await redis.multi().zadd(key, Math.floor(closeAt), formatThreadKey(thread)).pexpire(key, keyTtlMs).exec();
    },
    async takeDue(now, limit) {
      const due = (await redis.eval(TAKE_DUE_SCRIPT, 1, key, Math.floor(now), Math.max(1, limit))) as string[];
      return due.map(parseThreadId).filter((thread): thread is ThreadKey => thread !== undefined);
    },
  };
}

/** `{team:channel:ts}` back to a thread key (Slack ids and ts hold no `:`). */
function parseThreadId(id: string): ThreadKey | undefined {
  const match = /^\{([^:{}]+):([^:{}]+):([^:{}]+)\}$/.exec(id);
  return match ? { teamId: match[1] as string, channelId: match[2] as string, threadTs: match[3] as string } : undefined;
}
