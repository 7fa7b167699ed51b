import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisTurnQueue, type RedisTurnQueue, type RedisTurnQueueOptions } from '../../src/adapters/redis/redis-turn-queue.js';
import { countPendingWakeUps, turnQueueKeysOf } from '../helpers/turn-queue-keys.js';
import { formatRedisTurnQueueKeys } from '../../src/adapters/redis/redis-turn-queue-keys.js';
import type { TurnJob } from '../../src/core/queue/turn-job.js';
import type { TurnJobContext } from '../../src/core/queue/ports.js';
import { hasErrorCode, StoreUnavailableError } from '../../src/core/errors.js';
import {
  createRecordingLogger,
  describeTurnQueueConformance,
  makeTurnJob,
  waitForAbort,
  waitUntil,
} from '../conformance/turn-queue-conformance.js';
import { createRedisQueueTestContext, type RedisQueueTestContext } from '../helpers/redis-queue-test-context.js';

describeTurnQueueConformance('redis turn queue', async (settings) => {
  const context = await createRedisQueueTestContext();
  const queue = createRedisTurnQueue({
    ...settings,
    redis: context.redis,
    keyPrefix: context.prefix,
    lockTtlMs: 1_000,
    reclaimIntervalMs: 200,
  });
  return { queue, cleanup: () => context.cleanup() };
});

interface RunRecord {
  replica: string;
  job: TurnJob;
  attempt: number;
  startedAt: number;
  endedAt?: number;
  reason?: unknown;
}

describe('createRedisTurnQueue (Redis specifics)', () => {
  let context: RedisQueueTestContext;
  const queues: RedisTurnQueue[] = [];

  beforeEach(async () => {
    context = await createRedisQueueTestContext();
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop(100)));
    await context.cleanup();
  });

  /** A replica: its own client, lock and queue on the shared prefix. */
  function createReplica(options: Partial<RedisTurnQueueOptions> = {}, redis: Redis = context.createClient()): RedisTurnQueue {
    const queue = createRedisTurnQueue({
      redis,
      keyPrefix: context.prefix,
      logger: createRecordingLogger(),
      lockTtlMs: 600,
      reclaimIntervalMs: 200,
      reclaimMinIdleMs: 800,
      ...options,
    });
    queues.push(queue);
    return queue;
  }

  function recorder(runs: RunRecord[], replica: string, work: (job: TurnJob, context: TurnJobContext) => Promise<void>) {
    return async (job: TurnJob, jobContext: TurnJobContext): Promise<void> => {
      const record: RunRecord = { replica, job, attempt: jobContext.attempt, startedAt: performance.now() };
      runs.push(record);
      try {
        await work(job, jobContext);
      } finally {
        record.endedAt = performance.now();
        record.reason = jobContext.signal.reason;
      }
    };
  }

  const listKeyOf = (threadTs: string) => turnQueueKeysOf(context.prefix).listKey(threadTs);

  it('shares work between two replicas, keeping per-thread order and running each job once', async () => {
    const runs: RunRecord[] = [];
    // Named reader connections, to see both replicas block on every shard before the work comes.
    const readerName = `crew-share-${randomUUID()}`;
    const namedReader = () => {
      const reader = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: readerName });
      reader.on('error', () => undefined);
      return reader;
    };
    const replicas = [createReplica({ createConnection: namedReader }), createReplica({ createConnection: namedReader })];
    replicas.forEach((queue, index) => queue.start(recorder(runs, `r${index}`, () => sleep(10 + Math.random() * 30))));
    const blockedReaders = async () =>
      String(await context.redis.client('LIST')).split('\n').filter((line) => line.includes(`name=${readerName} `) && line.includes('cmd=xreadgroup')).length;
    await waitUntil('both replicas read every shard', async () => (await blockedReaders()) === 2 * formatRedisTurnQueueKeys(context.prefix).shards.length);

    // Enough threads that every shard sees several first wake-ups: each shard's go to its blocked readers in turn.
    const threads = Array.from({ length: 24 }, (_, index) => `1.${index + 1}`);
    const enqueued: string[] = [];
    for (let round = 0; round < 4; round += 1) {
      for (const [index, threadTs] of threads.entries()) {
        const id = `${threadTs}-${round}`;
        await replicas[index % 2]!.enqueue(makeTurnJob(id, threadTs));
        enqueued.push(id);
      }
    }
    await waitUntil('all ran', () => runs.length >= enqueued.length && runs.every((run) => run.endedAt !== undefined), 10_000);
    await sleep(300);

    expect(runs.map((run) => run.job.id).sort()).toEqual([...enqueued].sort());
    for (const threadTs of threads) {
      const threadRuns = runs.filter((run) => run.job.threadTs === threadTs).sort((a, b) => a.startedAt - b.startedAt);
      expect(threadRuns.map((run) => run.job.id)).toEqual([0, 1, 2, 3].map((round) => `${threadTs}-${round}`));
      for (let index = 1; index < threadRuns.length; index += 1) {
        expect(threadRuns[index]!.startedAt).toBeGreaterThanOrEqual(threadRuns[index - 1]!.endedAt!);
      }
    }
    expect(new Set(runs.map((run) => run.replica)).size).toBe(2);
    expect(await countPendingWakeUps(context.redis, context.prefix)).toBe(0);
  });

  it('re-runs the job of a crashed replica with attempt + 1 and its saved progress', async () => {
    const runs: RunRecord[] = [];
    const crashedClient = context.createClient();
    const crashing = createReplica({}, crashedClient);
    let releaseCrashed!: () => void;
    const crashedRunnerHeld = new Promise<void>((resolve) => (releaseCrashed = resolve));
    crashing.start(
      recorder(runs, 'crashed', async (_job, jobContext) => {
        await jobContext.saveProgress({ replyMessageTs: ['9.9', '9.10'] });
        await crashedRunnerHeld;
      }),
    );
    await crashing.enqueue(makeTurnJob('c1', '2.1'));
    await crashing.enqueue(makeTurnJob('c2', '2.1'));
    await waitUntil('c1 started', () => runs.length === 1);
    await sleep(50);
    crashing.simulateCrash();
    crashedClient.disconnect();

    const survivor = createReplica();
    survivor.start(recorder(runs, 'survivor', async () => undefined));
    await waitUntil('both re-run', () => runs.filter((run) => run.replica === 'survivor' && run.endedAt !== undefined).length === 2, 8_000);

    const [rerun, next] = runs.filter((run) => run.replica === 'survivor');
    expect(rerun?.job.id).toBe('c1');
    expect(rerun?.attempt).toBe(2);
    expect(rerun?.job.progress).toEqual({ replyMessageTs: ['9.9', '9.10'] });
    expect(next?.job.id).toBe('c2');
    expect(next?.attempt).toBe(1);

    releaseCrashed();
    await sleep(100);
    expect(runs).toHaveLength(3);
    expect(await context.redis.exists(listKeyOf('2.1'))).toBe(0);
  });

  it('marks a job started in its stored record (attempt, startedAt) without re-encoding the job', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const job = makeTurnJob('m1', '12.1', { text: 'ünïcödé "quotes" \\ and {"attempt":9,} inside' });
    const queue = createReplica({ clock: { now: () => 1_700_000_123_456 } });
    queue.start(() => held);
    await queue.enqueue(job);
    await waitUntil('started', () => queue.runningCount() === 1);
    const stored = (await context.redis.lindex(listKeyOf('12.1'), 0)) ?? '';
    expect(stored.startsWith('{"attempt":1,"startedAt":1700000123456,"enqueuedAt":1700000123456,"job":')).toBe(true);
    expect(JSON.parse(stored)).toEqual({ attempt: 1, startedAt: 1_700_000_123_456, enqueuedAt: 1_700_000_123_456, job });
    expect(await queue.waitingCount()).toBe(0);
    release();
  });

  it('keeps a job aborted by stop queued, with its progress, for the next replica', async () => {
    const runs: RunRecord[] = [];
    const first = createReplica();
    first.start(
      recorder(runs, 'first', async (_job, jobContext) => {
        await jobContext.saveProgress({ replyMessageTs: ['3.3'] });
        await waitForAbort(jobContext.signal, 10_000);
      }),
    );
    await first.enqueue(makeTurnJob('s1', '3.1'));
    await waitUntil('s1 started', () => runs.length === 1);
    await sleep(50);
    const stored = JSON.parse((await context.redis.lindex(listKeyOf('3.1'), 0)) ?? '{}') as { attempt: number; job: TurnJob };
    expect(stored.attempt).toBe(1);
    expect(stored.job.progress).toEqual({ replyMessageTs: ['3.3'] });

    await first.stop(50);
    expect(hasErrorCode(runs[0]?.reason, 'turn_queue_stopping')).toBe(true);
    expect(await context.redis.llen(listKeyOf('3.1'))).toBe(1);

    const second = createReplica();
    second.start(recorder(runs, 'second', async () => undefined));
    await waitUntil('re-run', () => runs.length === 2 && runs[1]!.endedAt !== undefined);
    expect(runs[1]).toMatchObject({ attempt: 2, job: { id: 's1', progress: { replyMessageTs: ['3.3'] } } });
  });

  it('drops a job started maxAttempts times, reporting turn_attempts_exhausted', async () => {
    const runs: RunRecord[] = [];
    const failures: Array<{ job: TurnJob; error: unknown }> = [];
    const abortable = recorder(runs, 'any', (_job, jobContext) => waitForAbort(jobContext.signal, 10_000));
    await createReplica().enqueue(makeTurnJob('x1', '4.1'));
    await createReplica().enqueue(makeTurnJob('x2', '4.1'));
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const queue = createReplica({ maxAttempts: 2 });
      queue.start(abortable);
      await waitUntil(`attempt ${attempt}`, () => runs.length === attempt);
      await queue.stop(20);
    }
    expect(runs.map((run) => [run.job.id, run.attempt])).toEqual([['x1', 1], ['x1', 2]]);

    const last = createReplica({ maxAttempts: 2, onJobFailed: (job, error) => void failures.push({ job, error }) });
    last.start(recorder(runs, 'last', async () => undefined));
    await waitUntil('x2 ran', () => runs.some((run) => run.job.id === 'x2' && run.endedAt !== undefined));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.job.id).toBe('x1');
    expect(hasErrorCode(failures[0]?.error, 'turn_attempts_exhausted')).toBe(true);
    expect(runs.at(-1)).toMatchObject({ attempt: 1, job: { id: 'x2' } });
  });

  it('renews the lock so a job longer than the lock ttl stays exclusive', async () => {
    const runs: RunRecord[] = [];
    const work = (job: TurnJob) => sleep(job.id === 'long' ? 1_200 : 10);
    const first = createReplica({ lockTtlMs: 300, reclaimMinIdleMs: 400 });
    const second = createReplica({ lockTtlMs: 300, reclaimMinIdleMs: 400 });
    first.start(recorder(runs, 'first', work));
    second.start(recorder(runs, 'second', work));
    await sleep(100);
    await first.enqueue(makeTurnJob('long', '5.1'));
    await waitUntil('long started', () => runs.length === 1);
    await sleep(400);
    await second.enqueue(makeTurnJob('after-1', '5.1'));
    await first.enqueue(makeTurnJob('after-2', '5.1'));
    await sleep(300);
    const lockKey = turnQueueKeysOf(context.prefix).lockKey('5.1');
    expect(await context.redis.pttl(lockKey)).toBeGreaterThan(0);
    expect(runs).toHaveLength(1);

    await waitUntil('all ran', () => runs.length === 3 && runs.every((run) => run.endedAt !== undefined), 5_000);
    expect(runs.map((run) => run.job.id)).toEqual(['long', 'after-1', 'after-2']);
    expect(runs[0]?.reason).toBeUndefined();
    expect(runs[1]!.startedAt).toBeGreaterThanOrEqual(runs[0]!.endedAt!);
  });

  it('aborts the runner when the lock is lost, leaving the job to the new holder', async () => {
    const runs: RunRecord[] = [];
    const queue = createReplica({ lockTtlMs: 300 });
    queue.start(recorder(runs, 'only', (_job, jobContext) => waitForAbort(jobContext.signal, 10_000)));
    await queue.enqueue(makeTurnJob('l1', '6.1'));
    await waitUntil('l1 started', () => runs.length === 1);
    const lockKey = turnQueueKeysOf(context.prefix).lockKey('6.1');
    await context.redis.set(lockKey, 'someone-else', 'PX', 60_000);
    await waitUntil('aborted', () => runs[0]?.endedAt !== undefined, 2_000);
    expect(hasErrorCode(runs[0]?.reason, 'turn_lock_lost')).toBe(true);
    await sleep(100);
    expect(await context.redis.llen(listKeyOf('6.1'))).toBe(1);
    expect(runs).toHaveLength(1);
  });

  it('gives every key an expiry except the stream', async () => {
    const queue = createReplica();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    queue.start(async () => {
      started = true;
      await held;
    });
    await queue.enqueue(makeTurnJob('k1', '7.1'));
    await queue.enqueue(makeTurnJob('k2', '7.1'));
    await queue.enqueue(makeTurnJob('k3', '7.2'));
    await waitUntil('started', () => started);

    const keys = await context.listKeys();
    const kinds = new Set<string>();
    for (const key of keys) {
      const suffix = key.slice(context.prefix.length);
      kinds.add(suffix.split(':')[0]!);
      // The wake-up streams are bounded by length (MAXLEN), not by time.
      if (suffix.startsWith('turn-stream:')) continue;
      const ttl = await context.redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
    }
    expect([...kinds].sort()).toEqual(['lock', 'pending', 'turn-stream', 'waiting']);
    release();
  });

  it('keeps reading after its reader connection is killed', async () => {
    const runs: RunRecord[] = [];
    const readerName = `crew-reader-${randomUUID()}`;
    const logger = createRecordingLogger();
    const queue = createReplica({
      logger,
      createConnection: () => {
        const reader = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: readerName });
        reader.on('error', () => undefined);
        return reader;
      },
    });
    queue.start(recorder(runs, 'only', async () => undefined));
    await queue.enqueue(makeTurnJob('r1', '8.1'));
    await waitUntil('r1 ran', () => runs.length === 1);

    const clients = String(await context.redis.client('LIST'));
    const readerId = /id=(\d+) [^\n]*name=(\S+)/g;
    const id = [...clients.matchAll(readerId)].find((match) => match[2] === readerName)?.[1];
    expect(id).toBeDefined();
    await context.redis.client('KILL', 'ID', id!);

    await queue.enqueue(makeTurnJob('r2', '8.2'));
    await waitUntil('r2 ran', () => runs.length === 2, 8_000);
  });

  it('recreates the consumer group when the stream disappears, reading wake-ups written meanwhile', async () => {
    const runs: RunRecord[] = [];
    const queue = createReplica();
    queue.start(recorder(runs, 'only', async () => undefined));
    await queue.enqueue(makeTurnJob('g1', '9.1'));
    await waitUntil('g1 ran', () => runs.length === 1);
    await context.redis.del(turnQueueKeysOf(context.prefix).streamKey('9.1'));
    await queue.enqueue(makeTurnJob('g2', '9.1'));
    await waitUntil('g2 ran', () => runs.length === 2, 8_000);
    expect(runs[1]?.job.id).toBe('g2');
  });

  it('rejects enqueue with StoreUnavailableError when Redis cannot be reached', async () => {
    const unreachable = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    const queue = createReplica({}, unreachable);
    await expect(queue.enqueue(makeTurnJob('u1', '10.1'))).rejects.toBeInstanceOf(StoreUnavailableError);
    unreachable.disconnect();
  });
});
