import { describe, expect, it } from 'vitest';
import { createMemoryTurnQueue } from '../../src/adapters/memory/memory-turn-queue.js';
import { createRecordingLogger, describeTurnQueueConformance, makeTurnJob, waitForAbort, waitUntil } from '../conformance/turn-queue-conformance.js';

describeTurnQueueConformance('memory turn queue', async (settings) => ({
  queue: createMemoryTurnQueue({ ...settings, concurrency: 8 }),
  async cleanup() {},
}));

describe('createMemoryTurnQueue (memory specifics)', () => {
  it('drains at most `concurrency` threads at once', async () => {
    const queue = createMemoryTurnQueue({ logger: createRecordingLogger(), concurrency: 2 });
    let inFlight = 0;
    let maxInFlight = 0;
    let done = 0;
    queue.start(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      done += 1;
    });
    for (let index = 0; index < 6; index += 1) await queue.enqueue(makeTurnJob(`j${index}`, `600.${index}`));
    expect(await queue.waitingCount()).toBe(4);
    await waitUntil('all done', () => done === 6);
    expect(maxInFlight).toBe(2);
    await queue.stop(100);
  });

  it('keeps a job aborted by stop at the head of its thread, with its saved progress', async () => {
    const queue = createMemoryTurnQueue({ logger: createRecordingLogger() });
    let started = false;
    queue.start(async (_job, context) => {
      await context.saveProgress({ replyMessageTs: ['1.2'] });
      started = true;
      await waitForAbort(context.signal, 10_000);
    });
    await queue.enqueue(makeTurnJob('a1', '700.1'));
    await queue.enqueue(makeTurnJob('a2', '700.1'));
    await waitUntil('started', () => started);
    await queue.stop(50);
    expect(queue.runningCount()).toBe(0);
    expect(await queue.waitingCount()).toBe(2);
  });

  it('passes a failure of the onJobFailed callback to the log, not to the process', async () => {
    const logger = createRecordingLogger();
    const queue = createMemoryTurnQueue({
      logger,
      onJobFailed: () => {
        throw new Error('callback broke');
      },
    });
    queue.start(async () => {
      throw new Error('runner broke');
    });
    await queue.enqueue(makeTurnJob('a1', '800.1'));
    await waitUntil('both logged', () => logger.entries.filter((entry) => entry.level === 'error').length === 2);
    await queue.stop(100);
  });
});
