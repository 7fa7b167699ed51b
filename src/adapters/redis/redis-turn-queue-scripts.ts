import type { Redis } from 'ioredis';

/**
 * Replaces the head of a thread's job list only when it is still exactly the record the caller
 * read (so a worker that lost its lock never overwrites the next holder's record), refreshes the
 * list's expiry, and optionally counts one job out of the waiting counter.
 * KEYS: list, waiting counter. ARGV: expected record, new record, retention ms, '1' to count out.
 */
const REPLACE_HEAD_SCRIPT = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LSET', KEYS[1], 0, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] == '1' then
  if redis.call('DECR', KEYS[2]) < 0 then redis.call('SET', KEYS[2], 0) end
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 1`;

/**
 * Pops the head of a thread's job list only when it is still exactly the record the caller ran.
 * KEYS: list, waiting counter. ARGV: expected record, retention ms, '1' to count out.
 */
const POP_HEAD_SCRIPT = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
if ARGV[3] == '1' then
  if redis.call('DECR', KEYS[2]) < 0 then redis.call('SET', KEYS[2], 0) end
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1`;

/** Where one thread's jobs live. */
export interface ThreadListKeys {
  listKey: string;
  waitingKey: string;
}

/** Guarded updates of the head of a thread's job list. */
export interface RedisTurnQueueScripts {
  /** Replaces the head record if it equals `expected`; true when replaced. */
  replaceHead(keys: ThreadListKeys, expected: string, next: string, countOutOfWaiting: boolean): Promise<boolean>;
  /** Pops the head record if it equals `expected`; true when popped. */
  popHead(keys: ThreadListKeys, expected: string, countOutOfWaiting: boolean): Promise<boolean>;
}

/** Options of {@link createRedisTurnQueueScripts}. */
export interface RedisTurnQueueScriptsOptions {
  redis: Redis;
  /** Expiry set on the keys the scripts write. */
  retentionMs: number;
}

/** Creates the compare-then-write scripts the Redis turn queue runs on a thread's job list. */
export function createRedisTurnQueueScripts(options: RedisTurnQueueScriptsOptions): RedisTurnQueueScripts {
  const { redis, retentionMs } = options;
  return {
    async replaceHead(keys, expected, next, countOutOfWaiting) {
      const reply = await redis.eval(
        REPLACE_HEAD_SCRIPT,
        2,
        keys.listKey,
        keys.waitingKey,
        expected,
        next,
        retentionMs,
        countOutOfWaiting ? '1' : '0',
      );
      return reply === 1;
    },
    async popHead(keys, expected, countOutOfWaiting) {
      const reply = await redis.eval(
        POP_HEAD_SCRIPT,
        2,
        keys.listKey,
        keys.waitingKey,
        expected,
        retentionMs,
        countOutOfWaiting ? '1' : '0',
      );
      return reply === 1;
    },
  };
}
