import { describe, expect, it, vi } from 'vitest';
import { createMemoryDeliveryGuard } from '../../adapters/memory/memory-delivery-guard.js';
import { createQuestionIntake } from './create-question-intake.js';
import type { DeliveryGuard } from './ports.js';
import type { Logger } from '../shared/ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { EnqueueResult, TurnJobRunner, TurnQueue } from '../queue/ports.js';

interface RecordingQueue extends TurnQueue {
  enqueued: TurnJob[];
  /** When set, the next enqueue fails with it (once). */
  failNext?: Error;
}

function recordingQueue(): RecordingQueue {
  const queue: RecordingQueue = {
    enqueued: [],
    async enqueue(job: TurnJob): Promise<EnqueueResult> {
      if (queue.failNext) {
        const error = queue.failNext;
        queue.failNext = undefined;
        throw error;
      }
      const waitingAhead = queue.enqueued.filter((queued) => queued.threadTs === job.threadTs).length;
      queue.enqueued.push(job);
      return { waitingAhead };
    },
    start(_runner: TurnJobRunner) {},
    async stop() {},
    runningCount: () => 0,
    waitingCount: async () => queue.enqueued.length,
  };
  return queue;
}

function silentLogger(): Logger {
  const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
  return logger;
}

function job(id: string, threadTs = '1700000000.000100'): TurnJob {
  return {
    id,
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    threadTs,
    messageTs: threadTs,
    userId: 'U1',
    text: 'How should we shard?',
    isDirectMessage: false,
    receivedAt: 1_700_000_000_000,
    progress: {},
  };
}

function setup(guard: DeliveryGuard = createMemoryDeliveryGuard()) {
  const queue = recordingQueue();
  const intake = createQuestionIntake({ guard, queue, logger: silentLogger() });
  return { guard, queue, intake };
}

describe('createQuestionIntake', () => {
  it('queues the first submission of a delivery', async () => {
    const { intake, queue } = setup();
    const result = await intake.submit(job('j1'), ['Ev1', 'C1:1700000000.000100']);
    expect(result).toEqual({ accepted: true, waitingAhead: 0 });
    expect(queue.enqueued.map((queued) => queued.id)).toEqual(['j1']);
  });

  it('reports how many questions wait ahead in the same thread', async () => {
    const { intake } = setup();
    await intake.submit(job('j1'), ['Ev1']);
    expect(await intake.submit(job('j2'), ['Ev2'])).toEqual({ accepted: true, waitingAhead: 1 });
    expect(await intake.submit(job('j3', '1700000000.000999'), ['Ev3'])).toEqual({ accepted: true, waitingAhead: 0 });
  });

  it('ignores a redelivery with the same id and does not queue it again', async () => {
    const { intake, queue } = setup();
    await intake.submit(job('j1'), ['Ev1']);
    const retry = await intake.submit(job('j1-retry'), ['Ev1']);
    expect(retry).toEqual({ accepted: false, reason: 'duplicate' });
    expect(queue.enqueued.map((queued) => queued.id)).toEqual(['j1']);
  });

  it('treats a delivery as duplicate when any of its ids was seen, and releases the ids it claimed', async () => {
    const { intake, queue, guard } = setup();
    // The message arrives as app_mention first…
    await intake.submit(job('j1'), ['EvMention', 'C1:1700000000.000100']);
    // …then as a message event: new event id, same channel:ts.
    const second = await intake.submit(job('j2'), ['EvMessage', 'C1:1700000000.000100']);
    expect(second).toEqual({ accepted: false, reason: 'duplicate' });
    expect(queue.enqueued).toHaveLength(1);
    // EvMessage was claimed then released: someone else may claim it now.
    expect(await guard.claim('EvMessage', 60_000)).toBe(true);
    // The id the first delivery owns stays claimed.
    expect(await guard.claim('EvMention', 60_000)).toBe(false);
  });

  it('claims all ids in one step when the guard offers claimAll', async () => {
    const memory = createMemoryDeliveryGuard();
    const steps: string[] = [];
    const guard: DeliveryGuard = {
      claim: async (id, ttl) => (steps.push(`claim ${id}`), memory.claim(id, ttl)),
      claimAll: async (ids, ttl) => (steps.push(`claimAll ${ids.join(',')}`), memory.claimAll!(ids, ttl)),
      release: (id) => memory.release(id),
    };
    const { intake, queue } = setup(guard);
    expect(await intake.submit(job('j1'), ['EvMention', 'C1:1'])).toEqual({ accepted: true, waitingAhead: 0 });
    expect(await intake.submit(job('j2'), ['EvMessage', 'C1:1'])).toEqual({ accepted: false, reason: 'duplicate' });
    expect(steps).toEqual(['claimAll EvMention,C1:1', 'claimAll EvMessage,C1:1']);
    expect(queue.enqueued.map((queued) => queued.id)).toEqual(['j1']);
    // Nothing of the duplicate was claimed.
    expect(await memory.claim('EvMessage', 60_000)).toBe(true);
  });

  it('with a guard that only claims one id at a time, releases the ids it claimed when a later one is taken', async () => {
    const memory = createMemoryDeliveryGuard();
    const guard: DeliveryGuard = { claim: (id, ttl) => memory.claim(id, ttl), release: (id) => memory.release(id) };
    const { intake, queue } = setup(guard);
    await intake.submit(job('j1'), ['EvMention', 'C1:1']);
    expect(await intake.submit(job('j2'), ['EvMessage', 'C1:1'])).toEqual({ accepted: false, reason: 'duplicate' });
    expect(queue.enqueued).toHaveLength(1);
    expect(await memory.claim('EvMessage', 60_000)).toBe(true);
    expect(await memory.claim('EvMention', 60_000)).toBe(false);
  });

  it('releases its claims and rethrows when the queue fails, so a retry succeeds', async () => {
    const { intake, queue } = setup();
    const failure = new Error('queue unavailable');
    queue.failNext = failure;

    await expect(intake.submit(job('j1'), ['Ev1', 'C1:1700000000.000100'])).rejects.toBe(failure);
    expect(queue.enqueued).toHaveLength(0);

    const retry = await intake.submit(job('j1'), ['Ev1', 'C1:1700000000.000100']);
    expect(retry).toEqual({ accepted: true, waitingAhead: 0 });
    expect(queue.enqueued.map((queued) => queued.id)).toEqual(['j1']);
  });

  it('still rethrows the queue error when releasing a claim fails too', async () => {
    const memory = createMemoryDeliveryGuard();
    const guard: DeliveryGuard = {
      claim: (id, ttl) => memory.claim(id, ttl),
      release: async () => {
        throw new Error('guard unavailable');
      },
    };
    const { intake, queue } = setup(guard);
    const failure = new Error('queue unavailable');
    queue.failNext = failure;
    await expect(intake.submit(job('j1'), ['Ev1'])).rejects.toBe(failure);
  });

  it('claims each id for the configured time', async () => {
    const claims: [string, number][] = [];
    const guard: DeliveryGuard = {
      claim: async (id, ttl) => {
        claims.push([id, ttl]);
        return true;
      },
      release: async () => {},
    };
    const intake = createQuestionIntake({ guard, queue: recordingQueue(), logger: silentLogger(), dedupeTtlMs: 5_000 });
    await intake.submit(job('j1'), ['a', 'b']);
    expect(claims).toEqual([
      ['a', 5_000],
      ['b', 5_000],
    ]);
    const defaults: number[] = [];
    const defaultIntake = createQuestionIntake({
      guard: { claim: async (_id, ttl) => (defaults.push(ttl), true), release: async () => {} },
      queue: recordingQueue(),
      logger: silentLogger(),
    });
    await defaultIntake.submit(job('j2'), ['c']);
    expect(defaults).toEqual([2 * 60 * 60 * 1000]);
  });
});
