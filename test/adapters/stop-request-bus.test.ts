import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStopRequestBus } from '../../src/adapters/memory/memory-stop-request-bus.js';
import { createRedisStopRequestBus } from '../../src/adapters/redis/redis-stop-request-bus.js';
import { createRedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import type { StopRequest, StopRequestBus } from '../../src/core/sessions/ports.js';
import { createRedisTestContext, type RedisTestContext } from '../helpers/redis-test-prefix.js';
import { waitFor } from '../fakes/wait-for.js';

/** Publishes until `heard` is true: subscribing over Redis completes asynchronously. */
async function publishUntilHeard(bus: StopRequestBus, stop: StopRequest, heard: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !heard(); attempt += 1) {
    await bus.publish(stop);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(heard()).toBe(true);
}

const logger = createLogger({ level: 'silent', format: 'json' });
const request = (threadTs: string): StopRequest => ({
  thread: { teamId: 'T1', channelId: 'C1', threadTs },
  userId: 'U1',
  messageTs: ['111.222'],
  at: 1_700_000_000_000,
});

interface BusPair {
  /** Two replicas' buses on one backend (memory: the same bus twice). */
  replicas: [StopRequestBus, StopRequestBus];
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<BusPair>]> = [
  [
    'memory',
    async () => {
      const bus = createMemoryStopRequestBus();
      return { replicas: [bus, bus], close: () => bus.close() };
    },
  ],
  [
    'redis',
    async () => {
      const context: RedisTestContext = await createRedisTestContext('stop-bus');
      const channel = createRedisKeys(context.prefix).stopChannel;
      const make = () => createRedisStopRequestBus({ redis: context.redis, subscriber: context.redis.duplicate(), channel, logger });
      const replicas: [StopRequestBus, StopRequestBus] = [make(), make()];
      return {
        replicas,
        close: async () => {
          await Promise.all(replicas.map((bus) => bus.close()));
          await context.cleanup();
        },
      };
    },
  ],
];

describe.each(backends)('stop request bus (%s)', (_name, create) => {
  let pair: BusPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('carries a request published on one replica to the subscribers of the other', async () => {
    pair = await create();
    const [first, second] = pair.replicas;
    const heard: StopRequest[] = [];
    second.subscribe((stop) => heard.push(stop));
    first.subscribe(() => undefined);
    // Subscribing is asynchronous over Redis: publish until the other replica hears one.
    await publishUntilHeard(first, request('1.1'), () => heard.length > 0);
    expect(heard[0]).toEqual(request('1.1'));
  });

  it('stops calling a handler once it unsubscribed', async () => {
    pair = await create();
    const [first, second] = pair.replicas;
    const kept: string[] = [];
    const dropped: string[] = [];
    second.subscribe((stop) => kept.push(stop.thread.threadTs));
    const unsubscribe = second.subscribe((stop) => dropped.push(stop.thread.threadTs));
    await publishUntilHeard(first, request('2.1'), () => kept.length > 0);
    unsubscribe();
    const before = dropped.length;
    await first.publish(request('2.2'));
    await waitFor(() => kept.includes('2.2'));
    expect(dropped.length).toBe(before);
  });
});
