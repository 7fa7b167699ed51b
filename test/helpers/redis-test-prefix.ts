import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';

/** A Redis connection plus a key prefix unique to this test run. */
export interface RedisTestContext {
  /** Connected client (no ioredis keyPrefix; put `prefix` in front of keys yourself). */
  redis: Redis;
  /** `crew-test:<uuid>:` — no other run writes under it. */
  prefix: string;
  /** Lists every key currently under `prefix`. */
  listKeys(): Promise<string[]>;
  /** Deletes every key under `prefix` (SCAN + DEL, never FLUSH) and closes the connection. */
  cleanup(): Promise<void>;
}

/** URL of the shared test Redis: `REDIS_URL`, default `redis://127.0.0.1:6379`. */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Connects to the test Redis and reserves a unique key prefix. Call `cleanup()` in `afterEach`
 * or `afterAll` so the shared server is left as it was found.
 */
export async function createRedisTestContext(label = 'test'): Promise<RedisTestContext> {
  const redis = createRedisConnection({ url: testRedisUrl, connectionName: `crew-${label}` });
  await redis.ping();
  const prefix = `crew-test:${randomUUID()}:`;

  async function listKeys(): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      keys.forEach((key) => found.add(key));
      cursor = next;
    } while (cursor !== '0');
    return [...found];
  }

  return {
    redis,
    prefix,
    listKeys,
    async cleanup() {
      try {
        const keys = await listKeys();
        for (let start = 0; start < keys.length; start += 500) {
          await redis.del(...keys.slice(start, start + 500));
        }
      } finally {
        await redis.quit().catch(() => redis.disconnect());
      }
    },
  };
}

/** Escapes Redis glob metacharacters so the prefix matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
