import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisTurnQueue, type RedisTurnQueue, type RedisTurnQueueOptions } from '../../src/adapters/redis/redis-turn-queue.js';
import { countPendingWakeUps, listTurnConsumers, readAllWakeUpsAs, turnQueueKeysOf } from '../helpers/turn-queue-keys.js';
import type { TurnJob } from '../../src/core/queue/turn-job.js';
import type { TurnJobContext } from '../../src/core/queue/ports.js';
import { createRecordingLogger, makeTurnJob, waitForAbort, waitUntil } from '../conformance/turn-queue-conformance.js';
import { createRedisQueueTestContext, type RedisQueueTestContext } from '../helpers/redis-queue-test-context.js';

interface RunRecord {
  replica: string;
  job: TurnJob;
  attempt: number;
  ended: boolean;
}

/** Queue hygiene on Redis: consumers of stopped and dead processes, dead letters, fair attempts. */
describe('createRedisTurnQueue (queue hygiene)', () => {
  let context: RedisQueueTestContext;
  const queues: RedisTurnQueue[] = [];
  const releases: Array<() => void> = [];

  beforeEach(async () => {
    context = await createRedisQueueTestContext();
  });

  afterEach(async () => {
    releases.splice(0).forEach((release) => release());
    await Promise.all(queues.splice(0).map((queue) => queue.stop(100)));
    await context.cleanup();
  });

  const keysOf = () => turnQueueKeysOf(context.prefix);
  const pendingWakeUps = (consumer?: string) => countPendingWakeUps(context.redis, context.prefix, consumer);

  function createReplica(options: Partial<RedisTurnQueueOptions> = {}, redis: Redis = context.createClient()): RedisTurnQueue {
    const queue = createRedisTurnQueue({
      redis,
      keyPrefix: context.prefix,
      logger: createRecordingLogger(),
      lockTtlMs: 600,
      reclaimIntervalMs: 200,
      reclaimMinIdleMs: 800,
      deadConsumerIdleMs: 1_000,
      ...options,
    });
    queues.push(queue);
    return queue;
  }

  function recorder(runs: RunRecord[], replica: string, work: (job: TurnJob, jobContext: TurnJobContext) => Promise<void> = async () => undefined) {
    return async (job: TurnJob, jobContext: TurnJobContext): Promise<void> => {
      const record: RunRecord = { replica, job, attempt: jobContext.attempt, ended: false };
      runs.push(record);
      try {
        await work(job, jobContext);
      } finally {
        record.ended = true;
      }
    };
  }

  /** A promise the test resolves itself (in the end at the latest). */
  function hold(): Promise<void> {
    return new Promise<void>((resolve) => releases.push(resolve));
  }

  /** Names of the consumers in the queue's group (every shard's), as XINFO CONSUMERS lists them. */
  function listConsumers(): Promise<string[]> {
    return listTurnConsumers(context.redis, context.prefix);
  }

  it('leaves the consumer group on stop, after its entries are acknowledged', async () => {
    const runs: RunRecord[] = [];
    const leaving = createReplica({ consumerName: 'leaving' });
    leaving.start(recorder(runs, 'leaving'));
    await leaving.enqueue(makeTurnJob('s1', '20.1'));
    await leaving.enqueue(makeTurnJob('s2', '20.2'));
    await waitUntil('both ran', () => runs.length === 2 && runs.every((run) => run.ended));
    // Another process's consumer, idle and owning nothing: a stop removes only its own.
    await context.redis.xgroup('CREATECONSUMER', keysOf().streamKey('20.1'), 'crew', 'other');
    expect((await listConsumers()).sort()).toEqual(['leaving', 'other']);

    await leaving.stop(1_000);
    expect(await listConsumers()).toEqual(['other']);
    expect(await pendingWakeUps()).toBe(0);
  });

  it('stays in the group at stop while it still owns a pending entry (deleting it would drop the entry)', async () => {
    // An entry delivered to this consumer that it never handled (as after a failed hand-back).
    const streamKey = keysOf().streamKey('21.2');
    await context.redis.xgroup('CREATE', streamKey, 'crew', '0', 'MKSTREAM');
    await context.redis.xadd(streamKey, '*', 'thread', 'x', 'team', 'T1', 'channel', 'C1', 'ts', '21.2');
    await context.redis.xreadgroup('GROUP', 'crew', 'owner', 'COUNT', 1, 'STREAMS', streamKey, '>');
    const runs: RunRecord[] = [];
    const queue = createReplica({ consumerName: 'owner', reclaimMinIdleMs: 60_000 });
    queue.start(recorder(runs, 'owner'));
    await queue.enqueue(makeTurnJob('p1', '21.1'));
    await waitUntil('p1 ran', () => runs.length === 1 && runs[0]?.ended);
    await waitUntil('p1 acknowledged', async () => (await pendingWakeUps()) === 1);

    await queue.stop(1_000);
    expect(await listConsumers()).toEqual(['owner']);
    expect(await pendingWakeUps()).toBe(1);
  });

  it('deletes the consumer of a crashed process once another replica reclaimed its work', async () => {
    const runs: RunRecord[] = [];
    const crashing = createReplica({ consumerName: 'crashing' });
    crashing.start(recorder(runs, 'crashing', () => hold()));
    await crashing.enqueue(makeTurnJob('c1', '22.1'));
    await waitUntil('c1 started', () => runs.length === 1);
    crashing.simulateCrash();

    const survivor = createReplica({ consumerName: 'survivor' });
    survivor.start(recorder(runs, 'survivor'));
    await waitUntil('c1 re-run', () => runs.some((run) => run.replica === 'survivor' && run.ended), 8_000);
    await waitUntil('crashed consumer deleted', async () => !(await listConsumers()).includes('crashing'), 8_000);
    expect(await listConsumers()).toEqual(['survivor']);
    expect(runs.find((run) => run.replica === 'survivor')?.attempt).toBe(2);
  });

  it('charges a crash only to the job that was running: waiting jobs and delivered wake-ups keep their attempts', async () => {
    const runs: RunRecord[] = [];
    // One slot: a1 runs, everything else waits (a2 behind it in thread A, b1 and c1 in their own threads).
    const crashing = createReplica({ consumerName: 'crashing', concurrency: 1 });
    crashing.start(recorder(runs, 'crashing', () => hold()));
    await crashing.enqueue(makeTurnJob('a1', '23.1'));
    await waitUntil('a1 started', () => runs.length === 1);
    await crashing.enqueue(makeTurnJob('a2', '23.1'));
    await crashing.enqueue(makeTurnJob('b1', '23.2'));
    await crashing.enqueue(makeTurnJob('c1', '23.3'));
    crashing.simulateCrash();
    // The wake-ups of a2, b1 and c1 were delivered to the crashed replica, which never started their threads.
    await readAllWakeUpsAs(context.redis, context.prefix, 'crashing');
    expect(await pendingWakeUps('crashing')).toBe(4);

    const survivor = createReplica({ consumerName: 'survivor' });
    survivor.start(recorder(runs, 'survivor'));
    await waitUntil('all re-run', () => runs.filter((run) => run.replica === 'survivor' && run.ended).length === 4, 8_000);

    const reruns = runs.filter((run) => run.replica === 'survivor');
    expect(Object.fromEntries(reruns.map((run) => [run.job.id, run.attempt]))).toEqual({ a1: 2, a2: 1, b1: 1, c1: 1 });
    expect(reruns.filter((run) => run.job.threadTs === '23.1').map((run) => run.job.id)).toEqual(['a1', 'a2']);
    await waitUntil('stream settled', async () => (await pendingWakeUps()) === 0);
  });

  it('moves a job that exhausted its attempts to the dead letters, kept with an expiry', async () => {
    const runs: RunRecord[] = [];
    const failures: string[] = [];
    await createReplica().enqueue(makeTurnJob('x1', '24.1', { text: 'what about the ledger?' }));
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const queue = createReplica({ maxAttempts: 2 });
      queue.start(recorder(runs, `try-${attempt}`, (_job, jobContext) => waitForAbort(jobContext.signal, 10_000)));
      await waitUntil(`attempt ${attempt}`, () => runs.length === attempt);
      await queue.stop(20);
    }
    const last = createReplica({ maxAttempts: 2, onJobFailed: (job) => void failures.push(job.id) });
    last.start(recorder(runs, 'last'));
    await waitUntil('x1 given up', () => failures.length === 1);

    const letters = await last.deadLetters.list();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id: 'x1', code: 'turn_attempts_exhausted', attempts: 2, threadTs: '24.1', job: { id: 'x1' } });
    expect(letters[0]?.message).not.toContain('ledger');
    expect(runs).toHaveLength(2);
    expect(await context.redis.pttl(keysOf().deadLetterKey('24.1'))).toBeGreaterThan(0);
    expect(await context.redis.exists(keysOf().listKey('24.1'))).toBe(0);

    // Requeued: attempts start again, so it runs (and here finishes) on the next replica.
    expect((await last.deadLetters.requeue('x1'))?.id).toBe('x1');
    await waitUntil('x1 re-ran', () => runs.length === 3 && runs[2]?.ended);
    expect(runs[2]).toMatchObject({ replica: 'last', attempt: 1, job: { id: 'x1' } });
    expect(await last.deadLetters.list()).toEqual([]);
  });
});
