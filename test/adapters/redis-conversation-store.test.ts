import { createServer } from 'node:net';
import { createRecordingLogger } from '../helpers/test-fixtures.js';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { redactRedisUrl } from '../../src/adapters/redis/redact-redis-url.js';
import { createRedisConversationStore } from '../../src/adapters/redis/redis-conversation-store.js';
import type { RedisConversationStoreOptions } from '../../src/adapters/redis/redis-conversation-store.js';
import type { ConversationStore } from '../../src/core/thread/ports.js';
import type { Logger } from '../../src/core/shared/ports.js';
import { formatThreadKey } from '../../src/core/thread/thread-key.js';
import { ConfigError, StoreUnavailableError } from '../../src/core/errors.js';
import { createPair, createThreadKey, describeConversationStoreConformance } from '../conformance/conversation-store-conformance.js';
import { createRedisTestContext, testRedisUrl } from '../helpers/redis-test-prefix.js';
import type { RedisTestContext } from '../helpers/redis-test-prefix.js';

describeConversationStoreConformance('redis conversation store', async (settings) => {
  const context = await createRedisTestContext('store-test');
  const extraClients: Redis[] = [];
  return {
    store: createRedisConversationStore({ redis: context.redis, keyPrefix: context.prefix, ...settings }),
    async connectAnotherClient() {
      const redis = createRedisConnection({ url: testRedisUrl, connectionName: 'crew-store-test-2' });
      extraClients.push(redis);
      return createRedisConversationStore({ redis, keyPrefix: context.prefix, ...settings });
    },
    async cleanup() {
      await Promise.all(extraClients.map((redis) => redis.quit()));
      await context.cleanup();
    },
  };
});


describe('createRedisConversationStore (Redis specifics)', () => {
  let context: RedisTestContext | undefined;

  afterEach(async () => {
    await context?.cleanup();
    context = undefined;
  });

  async function setUp(options: Partial<RedisConversationStoreOptions> = {}): Promise<{ store: ConversationStore; context: RedisTestContext; roundTrips: string[] }> {
    context = await createRedisTestContext('store-test');
    const roundTrips: string[] = [];
    const store = createRedisConversationStore({
      redis: context.redis,
      keyPrefix: context.prefix,
      onRoundTrip: (command) => roundTrips.push(command),
      ...options,
    });
    return { store, context, roundTrips };
  }

  /** Counts socket writes (one per request burst) and reported round trips during `operation`. */
  async function measureRoundTrips(redis: Redis, roundTrips: string[], operation: () => Promise<unknown>): Promise<{ reported: number; writes: number }> {
    await redis.ping();
    roundTrips.length = 0;
    const write = vi.spyOn(redis.stream, 'write');
    try {
      await operation();
      return { reported: roundTrips.length, writes: write.mock.calls.length };
    } finally {
      write.mockRestore();
    }
  }

  it('makes each operation exactly one round trip', async () => {
    const { store, context: { redis }, roundTrips } = await setUp();
    const key = createThreadKey();
    const one = { reported: 1, writes: 1 };
    expect(await measureRoundTrips(redis, roundTrips, () => store.bindAgent(key, 'agent', 1))).toEqual(one);
    expect(await measureRoundTrips(redis, roundTrips, () => store.appendTurns(key, [...createPair('t1'), ...createPair('t2')]))).toEqual(one);
    expect(await measureRoundTrips(redis, roundTrips, () => store.getThread(key))).toEqual(one);
    expect(await measureRoundTrips(redis, roundTrips, () => store.hasThread(key))).toEqual(one);
    expect(await measureRoundTrips(redis, roundTrips, () => store.ping())).toEqual(one);
  });

  it('trims past the cap in the same single round trip, keeping the first pair and refreshing both expiries', async () => {
    const retentionMs = 7 * 24 * 60 * 60 * 1000;
    const { store, context, roundTrips } = await setUp({ maxTurns: 4, retentionMs });
    const key = createThreadKey();
    const tag = formatThreadKey(key);
    await store.bindAgent(key, 'agent', 1);
    await store.appendTurns(key, [...createPair('t1'), ...createPair('t2')]);
    await context.redis.pexpire(`${context.prefix}thread:${tag}`, 1000);
    await context.redis.pexpire(`${context.prefix}turns:${tag}`, 1000);

    const appendOverCap = () => store.appendTurns(key, [...createPair('t3'), ...createPair('t4')]);
    expect(await measureRoundTrips(context.redis, roundTrips, appendOverCap)).toEqual({ reported: 1, writes: 1 });
    const ids = (await store.getThread(key))!.turns.map((turn) => `${turn.turnId}:${turn.role}`);
    expect(ids).toEqual(['t1:user', 't1:assistant', 't4:user', 't4:assistant']);
    for (const storedKey of [`${context.prefix}thread:${tag}`, `${context.prefix}turns:${tag}`]) {
      expect(await context.redis.pttl(storedKey), storedKey).toBeGreaterThan(retentionMs - 60_000);
    }
  });

  it('trims past a malformed first record without keeping it or failing', async () => {
    const logger = createRecordingLogger();
    const { store, context } = await setUp({ maxTurns: 4, logger });
    const key = createThreadKey();
    await store.bindAgent(key, 'agent', 1);
    await context.redis.rpush(`${context.prefix}turns:${formatThreadKey(key)}`, 'not json {');
    await store.appendTurns(key, [...createPair('t1'), ...createPair('t2')]);
    expect((await store.getThread(key))!.turns).toEqual([...createPair('t1'), ...createPair('t2')]);
    await store.appendTurns(key, createPair('t3'));
    expect((await store.getThread(key))!.turns).toEqual([...createPair('t1'), ...createPair('t3')]);
  });

  it('lays a thread out as a hash and a list sharing the thread hash tag', async () => {
    const { store, context } = await setUp();
    const key = createThreadKey();
    const tag = formatThreadKey(key);
    await store.bindAgent(key, 'agent', 1234);
    await store.appendTurns(key, createPair('t1'));

    const keys = (await context.listKeys()).sort();
    expect(keys).toEqual([`${context.prefix}thread:${tag}`, `${context.prefix}turns:${tag}`]);
    for (const storedKey of keys) {
      // Redis Cluster hashes the text between the first `{` and the next `}`.
      const start = storedKey.indexOf('{');
      expect(storedKey.slice(start, storedKey.indexOf('}', start) + 1)).toBe(tag);
    }
    expect(await context.redis.hgetall(`${context.prefix}thread:${tag}`)).toEqual({ agent: 'agent', createdAt: '1234' });
    expect(await context.redis.lrange(`${context.prefix}turns:${tag}`, 0, -1)).toEqual([
      '{"r":"u","i":"t1","t":1700000000000,"u":"U123ABC","x":"question t1"}',
      '{"r":"a","i":"t1","t":1700000001000,"s":"c","n":1234,"o":56,"x":"answer t1"}',
    ]);
  });

  it('reads records written by the previous version (text as `x`) as one text block, and keeps appending after them', async () => {
    const { store, context } = await setUp();
    const key = createThreadKey();
    const tag = formatThreadKey(key);
    // Exactly what the crew wrote before turns were content blocks.
    await context.redis.hset(`${context.prefix}thread:${tag}`, { agent: 'backend-architect', createdAt: '1700000000000' });
    await context.redis.rpush(
      `${context.prefix}turns:${tag}`,
      '{"r":"u","i":"C1-1","t":1700000000000,"u":"U222","x":"how should we model refunds?"}',
      '{"r":"a","i":"C1-1","t":1700000001000,"s":"i","n":2100,"o":40,"x":"One row per refund"}',
    );
    await store.appendTurns(key, createPair('t2'));
    const thread = await store.getThread(key);
    expect(thread?.turns.slice(0, 2)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'how should we model refunds?' }], turnId: 'C1-1', at: 1700000000000, userId: 'U222' },
      { role: 'assistant', content: [{ type: 'text', text: 'One row per refund' }], turnId: 'C1-1', at: 1700000001000, status: 'interrupted', inputTokens: 2100, outputTokens: 40 },
    ]);
    expect(thread?.turns.map((turn) => turn.turnId)).toEqual(['C1-1', 'C1-1', 't2', 't2']);
  });

  it('stores content other than one text block as `b`, the blocks as they are', async () => {
    const { store, context } = await setUp();
    const key = createThreadKey();
    const [question, answer] = createPair('t1');
    const content = [
      { type: 'tool-use' as const, id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' }, server: true },
      { type: 'text' as const, text: 'Found it.' },
    ];
    await store.appendTurns(key, [question!, { ...answer!, content }]);
    const [, raw] = await context.redis.lrange(`${context.prefix}turns:${formatThreadKey(key)}`, 0, -1);
    expect(JSON.parse(raw!)).toMatchObject({ r: 'a', b: content });
    expect(JSON.parse(raw!)).not.toHaveProperty('x');
  });

  it('gives every key it writes the retention expiry', async () => {
    const retentionMs = 7 * 24 * 60 * 60 * 1000;
    const { store, context } = await setUp({ retentionMs });
    const bound = createThreadKey();
    const boundAfterTurns = createThreadKey();
    const turnsOnly = createThreadKey();
    await store.bindAgent(bound, 'agent', 1);
    await store.appendTurns(bound, createPair('t1'));
    await store.appendTurns(boundAfterTurns, createPair('t1'));
    await store.bindAgent(boundAfterTurns, 'agent', 1);
    await store.appendTurns(turnsOnly, createPair('t1'));
    await store.bindAgent(createThreadKey(), 'agent', 1);

    const keys = await context.listKeys();
    expect(keys).toHaveLength(6);
    for (const storedKey of keys) {
      const ttl = await context.redis.pttl(storedKey);
      expect(ttl, storedKey).toBeGreaterThan(retentionMs - 60_000);
      expect(ttl, storedKey).toBeLessThanOrEqual(retentionMs);
    }
  });

  it('skips malformed records with a warning and keeps the rest', async () => {
    const logger = createRecordingLogger();
    const { store, context } = await setUp({ logger });
    const key = createThreadKey();
    const tag = formatThreadKey(key);
    await store.bindAgent(key, 'agent', 1);
    await store.appendTurns(key, createPair('t1'));
    await context.redis.rpush(
      `${context.prefix}turns:${tag}`,
      'not json {',
      '42',
      '{"r":"x","i":"t","t":1,"x":"bad role"}',
      '{"r":"u","i":"t","t":1}',
      '{"r":"a","i":"t","t":"yesterday","x":"bad time"}',
    );
    await store.appendTurns(key, createPair('t2'));
    await context.redis.hset(`${context.prefix}thread:${tag}`, 'createdAt', 'not a number');

    const state = await store.getThread(key);
    expect(state).toEqual({ agentName: 'agent', createdAt: 0, turns: [...createPair('t1'), ...createPair('t2')] });
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings.filter((entry) => entry.message === 'skipping malformed stored turn')).toHaveLength(5);
    expect(warnings.some((entry) => entry.message.includes('createdAt'))).toBe(true);
    expect(JSON.stringify(warnings)).not.toContain('bad role');
  });

  it('reports a Redis error reply as StoreUnavailableError', async () => {
    const { store, context } = await setUp();
    const key = createThreadKey();
    await context.redis.set(`${context.prefix}thread:${formatThreadKey(key)}`, 'a string, not a hash');
    await expect(store.getThread(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.bindAgent(key, 'agent', 1)).rejects.toMatchObject({ code: 'store_unavailable' });
  });

  it('rejects options that would break the layout or the pair cap', async () => {
    context = await createRedisTestContext('store-test');
    const { redis } = context;
    expect(() => createRedisConversationStore({ redis, keyPrefix: 'crew:{x}:' })).toThrow(ConfigError);
    expect(() => createRedisConversationStore({ redis, maxTurns: 7 })).toThrow(ConfigError);
    expect(() => createRedisConversationStore({ redis, retentionMs: 0.5 })).toThrow(ConfigError);
  });
});

describe('createRedisConversationStore when Redis is unreachable', () => {
  const clients: Redis[] = [];
  const servers: Server[] = [];

  afterEach(async () => {
    clients.splice(0).forEach((redis) => redis.disconnect());
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** Runs every store operation and checks each fails as StoreUnavailableError within `limitMs`. */
  async function expectAllOperationsUnavailable(store: ConversationStore, limitMs: number): Promise<void> {
    const key = createThreadKey();
    const startedAt = Date.now();
    const outcomes = await Promise.allSettled([
      store.ping(),
      store.getThread(key),
      store.hasThread(key),
      store.bindAgent(key, 'agent', 1),
      store.appendTurns(key, createPair('t1')),
    ]);
    expect(Date.now() - startedAt).toBeLessThan(limitMs);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as StoreUnavailableError;
      expect(reason).toBeInstanceOf(StoreUnavailableError);
      expect(reason.code).toBe('store_unavailable');
      expect(reason.cause).toBeInstanceOf(Error);
    }
  }

  it('fails fast when nothing listens on the port, and never logs the password', async () => {
    const logger = createRecordingLogger();
    const redis = createRedisConnection({ url: 'redis://:hunter2@127.0.0.1:1', connectionName: 'crew-down-test', logger });
    clients.push(redis);
    // Refused connections flush queued commands after one failed reconnect (~200 ms), well
    // before the command timeout would.
    await expectAllOperationsUnavailable(createRedisConversationStore({ redis, keyPrefix: 'crew-test:down:' }), 1200);
    expect(logger.entries.some((entry) => entry.message === 'redis connection error')).toBe(true);
    const logged = JSON.stringify(logger.entries);
    expect(logged).not.toContain('hunter2');
    expect(logged).toContain('redis://:***@127.0.0.1:1');
  });

  it('fails within about 2 s when the server accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    servers.push(server);
    server.on('close', () => sockets.forEach((socket) => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const redis = createRedisConnection({ url: `redis://127.0.0.1:${port}`, connectionName: 'crew-hang-test' });
    clients.push(redis);
    await expectAllOperationsUnavailable(createRedisConversationStore({ redis, keyPrefix: 'crew-test:hang:' }), 2500);
    sockets.forEach((socket) => socket.destroy());
  });
});

describe('redactRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://:s3cret@redis.internal:6379/0', 'redis://:***@redis.internal:6379/0'],
    ['rediss://crew:p%40ss@redis.example.com:6380', 'rediss://crew:***@redis.example.com:6380'],
    ['redis://redis.internal:6379?password=s3cret&db=2', 'redis://redis.internal:6379?password=***&db=2'],
    ['not a url with :s3cret@ in it', '[unparseable redis url]'],
  ])('redacts %s', (url, expected) => {
    expect(redactRedisUrl(url)).toBe(expected);
  });
});
