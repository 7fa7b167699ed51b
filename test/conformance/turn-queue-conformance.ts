import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/shared/ports.js';
import type { TurnDeadLetters } from '../../src/core/queue/turn-dead-letter.js';
import type { TurnJob } from '../../src/core/queue/turn-job.js';
import type { TurnJobContext, TurnQueue } from '../../src/core/queue/ports.js';
import { CrewError, hasErrorCode } from '../../src/core/errors.js';

/** What the suite gives the queue factory. */
export interface TurnQueueConformanceSettings {
  logger: Logger;
  onJobFailed(job: TurnJob, error: unknown): void;
  /** Dead letters the queue must keep (small, so the suite can see the oldest dropped). */
  deadLetterLimit: number;
}

/** A queue under test plus how to dispose of it (after the suite stopped the queue). */
export interface TurnQueueUnderTest {
  queue: TurnQueue & { readonly deadLetters: TurnDeadLetters };
  cleanup(): Promise<void>;
}

import { createRecordingLogger, type LoggedEntry } from '../helpers/test-fixtures.js';

export { createRecordingLogger };
export type { LoggedEntry };

/** A job in thread `threadTs` of a fixed team and channel. */
export function makeTurnJob(id: string, threadTs: string, overrides: Partial<TurnJob> = {}): TurnJob {
  return {
    id,
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    threadTs,
    messageTs: `${threadTs}.1`,
    userId: 'U1',
    text: `question ${id}`,
    isDirectMessage: false,
    receivedAt: 1_700_000_000_000,
    progress: {},
    ...overrides,
  };
}

/** Polls until `predicate` is (or resolves) truthy; throws after `timeoutMs` with `label`. */
export async function waitUntil(label: string, predicate: () => unknown, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`waitUntil: ${label} not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Resolves when `signal` aborts, or after `ms`. */
export function waitForAbort(signal: AbortSignal, ms: number): Promise<void> {
  // Aborted before it finished, a runner throws (as the turn runner does): the job stays queued.
  return sleep(ms, undefined, { signal }).catch(() => {
    throw signal.reason;
  });
}

interface RunRecord {
  id: string;
  attempt: number;
  startedAt: number;
  endedAt?: number;
  aborted?: boolean;
  reason?: unknown;
}

/** Behaviour every TurnQueue must have. `makeQueue` builds a fresh, isolated, not started queue. */
export function describeTurnQueueConformance(
  name: string,
  makeQueue: (settings: TurnQueueConformanceSettings) => Promise<TurnQueueUnderTest>,
): void {
  describe(`${name} (TurnQueue conformance)`, () => {
    const cleanups: Array<() => Promise<void>> = [];

    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });

    async function setUp() {
      const failures: Array<{ job: TurnJob; error: unknown }> = [];
      const logger = createRecordingLogger();
      const handle = await makeQueue({ logger, onJobFailed: (job, error) => failures.push({ job, error }), deadLetterLimit: 3 });
      cleanups.push(async () => {
        await handle.queue.stop(100);
        await handle.cleanup();
      });
      const runs: RunRecord[] = [];
      const recordRun = async (job: TurnJob, context: TurnJobContext, work: (record: RunRecord) => Promise<void>) => {
        const record: RunRecord = { id: job.id, attempt: context.attempt, startedAt: performance.now() };
        runs.push(record);
        try {
          await work(record);
        } finally {
          record.endedAt = performance.now();
          record.aborted = context.signal.aborted;
          record.reason = context.signal.reason;
        }
      };
      return { queue: handle.queue, failures, logger, runs, recordRun };
    }

    it('runs the jobs of one thread one at a time, in enqueue order', async () => {
      const { queue, runs, recordRun } = await setUp();
      queue.start((job, context) => recordRun(job, context, () => sleep(job.id === 'a1' ? 150 : 20)));
      const ids = ['a1', 'a2', 'a3', 'a4', 'a5'];
      await queue.enqueue(makeTurnJob('a1', '100.1'));
      await waitUntil('a1 started', () => runs.length === 1);
      for (const id of ids.slice(1)) await queue.enqueue(makeTurnJob(id, '100.1'));
      await waitUntil('all ended', () => runs.length === 5 && runs.every((run) => run.endedAt !== undefined));

      expect(runs.map((run) => run.id)).toEqual(ids);
      expect(runs.every((run) => run.attempt === 1)).toBe(true);
      for (let index = 1; index < runs.length; index += 1) {
        expect(runs[index]!.startedAt).toBeGreaterThanOrEqual(runs[index - 1]!.endedAt!);
      }
      expect(queue.runningCount()).toBe(0);
    });

    it('runs different threads concurrently', async () => {
      const { queue, runs, recordRun } = await setUp();
      let inFlight = 0;
      let maxInFlight = 0;
      queue.start((job, context) =>
        recordRun(job, context, async () => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await waitUntil('all threads started', () => runs.length === 3, 3_000).catch(() => undefined);
          await sleep(20);
          inFlight -= 1;
        }),
      );
      await Promise.all(['200.1', '200.2', '200.3'].map((threadTs, index) => queue.enqueue(makeTurnJob(`t${index}`, threadTs))));
      await waitUntil('all ended', () => runs.length === 3 && runs.every((run) => run.endedAt !== undefined));
      expect(maxInFlight).toBe(3);
    });

    it('reports how many jobs wait ahead, and how many wait overall', async () => {
      const { queue, runs, recordRun } = await setUp();
      const results = [];
      for (const [id, threadTs] of [['a1', '300.1'], ['a2', '300.1'], ['a3', '300.1'], ['b1', '300.2']] as const) {
        results.push(await queue.enqueue(makeTurnJob(id, threadTs)));
      }
      expect(results.map((result) => result.waitingAhead)).toEqual([0, 1, 2, 0]);
      expect(await queue.waitingCount()).toBe(4);

      queue.start((job, context) => recordRun(job, context, () => sleep(5)));
      await waitUntil('all ended', () => runs.length === 4 && runs.every((run) => run.endedAt !== undefined));
      expect(runs.filter((run) => run.id.startsWith('a')).map((run) => run.id)).toEqual(['a1', 'a2', 'a3']);
      await waitUntil('nothing waiting', () => queue.runningCount() === 0);
      expect(await queue.waitingCount()).toBe(0);
    });

    it('keeps going after a runner throws, reporting the failure', async () => {
      const { queue, runs, recordRun, failures, logger } = await setUp();
      queue.start((job, context) =>
        recordRun(job, context, async () => {
          if (job.id === 'a1') throw new Error('boom');
          if (job.id === 'b1') throw 'not an error object';
        }),
      );
      await queue.enqueue(makeTurnJob('a1', '400.1'));
      await queue.enqueue(makeTurnJob('a2', '400.1'));
      await queue.enqueue(makeTurnJob('b1', '400.2'));
      await queue.enqueue(makeTurnJob('b2', '400.2'));
      await waitUntil('all ran', () => runs.length === 4 && failures.length === 2);

      expect(runs.map((run) => run.id).sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
      expect(failures.map((failure) => failure.job.id).sort()).toEqual(['a1', 'b1']);
      expect(failures.find((failure) => failure.job.id === 'a1')?.error).toBeInstanceOf(Error);
      expect(logger.entries.some((entry) => entry.level === 'error')).toBe(true);
      await waitUntil('idle', () => queue.runningCount() === 0);
    });

    it('stop waits for a short job and aborts a long one past the deadline', async () => {
      const { queue, runs, recordRun } = await setUp();
      queue.start((job, context) =>
        recordRun(job, context, () => (job.id === 'short' ? sleep(150) : waitForAbort(context.signal, 10_000))),
      );
      await queue.enqueue(makeTurnJob('short', '500.1'));
      await queue.enqueue(makeTurnJob('long', '500.2'));
      await waitUntil('both started', () => runs.length === 2);
      expect(queue.runningCount()).toBe(2);

      const stopStartedAt = performance.now();
      await queue.stop(400);
      const stopTookMs = performance.now() - stopStartedAt;

      const short = runs.find((run) => run.id === 'short');
      const long = runs.find((run) => run.id === 'long');
      expect(short?.aborted).toBe(false);
      expect(short?.endedAt).toBeDefined();
      expect(long?.aborted).toBe(true);
      expect(hasErrorCode(long?.reason, 'turn_queue_stopping')).toBe(true);
      expect(stopTookMs).toBeGreaterThanOrEqual(390);
      expect(stopTookMs).toBeLessThan(3_000);
      expect(queue.runningCount()).toBe(0);
    });

    it('moves a job whose runner threw to the dead letters, with its reason but not its question', async () => {
      const { queue, runs, recordRun, failures } = await setUp();
      const before = Date.now();
      queue.start((job, context) =>
        recordRun(job, context, async () => {
          if (job.id === 'd1') throw new CrewError('model_auth_failed', `The model refused "${job.text}" with 401`);
        }),
      );
      await queue.enqueue(makeTurnJob('d1', '900.1', { text: 'secret plans for the ledger' }));
      await queue.enqueue(makeTurnJob('d2', '900.1'));
      await waitUntil('both ran', () => runs.length === 2 && runs.every((run) => run.endedAt !== undefined) && failures.length === 1);

      const letters = await queue.deadLetters.list();
      expect(letters).toHaveLength(1);
      const [letter] = letters;
      expect(letter).toMatchObject({ id: 'd1', code: 'model_auth_failed', attempts: 1, teamId: 'T1', channelId: 'C1', threadTs: '900.1' });
      expect(letter?.message).toBe('The model refused "[question text]" with 401');
      expect(letter?.failedAt).toBeGreaterThanOrEqual(before - 1_000);
      expect(letter?.job).toMatchObject({ id: 'd1', text: 'secret plans for the ledger' });
    });

    it('requeues a dead letter at the end of its thread with its attempts reset, removing the letter', async () => {
      const { queue, runs, recordRun } = await setUp();
      let failOnce = true;
      queue.start((job, context) =>
        recordRun(job, context, async () => {
          if (job.id === 'q1' && failOnce) {
            failOnce = false;
            await context.saveProgress({ replyMessageTs: ['910.5'] });
            throw new Error('transient');
          }
        }),
      );
      await queue.enqueue(makeTurnJob('q1', '910.1'));
      await waitUntil('q1 dead', async () => (await queue.deadLetters.list()).length === 1);
      expect((await queue.deadLetters.list())[0]).toMatchObject({ id: 'q1', code: 'runner_error', message: 'transient' });

      expect(await queue.deadLetters.requeue('nope')).toBeUndefined();
      const requeued = await queue.deadLetters.requeue('q1');
      expect(requeued?.id).toBe('q1');
      expect(await queue.deadLetters.list()).toEqual([]);
      await waitUntil('q1 re-ran', () => runs.length === 2 && runs[1]?.endedAt !== undefined);
      expect(runs.map((run) => [run.id, run.attempt])).toEqual([['q1', 1], ['q1', 1]]);
      expect(await queue.deadLetters.requeue('q1')).toBeUndefined();
      expect(await queue.deadLetters.list()).toEqual([]);
    });

    it('keeps the newest dead letters up to its limit, dropping the oldest', async () => {
      const { queue, failures } = await setUp();
      queue.start(async () => {
        throw new Error('always');
      });
      for (const id of ['o1', 'o2', 'o3', 'o4', 'o5']) await queue.enqueue(makeTurnJob(id, '920.1'));
      await waitUntil('all failed', () => failures.length === 5);
      expect((await queue.deadLetters.list()).map((letter) => letter.id)).toEqual(['o5', 'o4', 'o3']);
      expect((await queue.deadLetters.list(2)).map((letter) => letter.id)).toEqual(['o5', 'o4']);
    });

    it('refuses a second start', async () => {
      const { queue } = await setUp();
      queue.start(async () => undefined);
      expect(() => queue.start(async () => undefined)).toThrow(expect.objectContaining({ code: 'turn_queue_already_started' }));
    });
  });
}
