import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Clients on the test Redis plus a key prefix unique to this context. */
export interface RedisQueueTestContext {
  /** `crew-test:<uuid>:`; no other run writes under it. */
  prefix: string;
  /** Client for the test's own commands (closed by `cleanup`). */
  redis: Redis;
  /** Opens another client (e.g. one per simulated replica); closed by `cleanup`. */
  createClient(): Redis;
  /** Lists every key under `prefix`. */
  listKeys(): Promise<string[]>;
  /** Deletes every key under `prefix` (SCAN + DEL, never FLUSH) and closes every client. */
  cleanup(): Promise<void>;
}

/** URL of the test Redis: `REDIS_URL`, default `redis://127.0.0.1:6379`. */
const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Connects to the test Redis under a fresh key prefix, for turn queue and lock tests. */
export async function createRedisQueueTestContext(): Promise<RedisQueueTestContext> {
  const clients: Redis[] = [];
  const createClient = (): Redis => {
    const client = new Redis(testRedisUrl, { maxRetriesPerRequest: 2 });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const redis = createClient();
  await redis.ping();
  const prefix = `crew-test:${randomUUID()}:`;

  async function listKeys(): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== '0');
    return [...found];
  }

  return {
    prefix,
    redis,
    createClient,
    listKeys,
    async cleanup() {
      try {
        const keys = await listKeys();
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
      }
    },
  };
}
