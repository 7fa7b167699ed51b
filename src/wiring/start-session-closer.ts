import type { SessionClosingSchedule } from '../core/sessions/ports.js';
import type { Clock, Logger } from '../core/shared/ports.js';
import type { ThreadKey } from '../core/thread/thread-key.js';

/** Options of {@link startSessionCloser}. */
export interface SessionCloserOptions {
  schedule: SessionClosingSchedule;
  /** Closes one thread's session in Slack; true when Slack took it. */
  close(thread: ThreadKey): Promise<boolean>;
  clock: Clock;
  logger: Logger;
  /** How often due sessions are looked for (default 60 s). */
  intervalMs?: number;
  /** Sessions closed per look, at most (default 50: a burst stays inside Slack's Tier 3). */
  batchSize?: number;
}

/**
 * Closes the agent sessions of threads whose conversation expired: every replica looks now and
 * then, and the schedule hands each thread to one of them. A close Slack refuses is not retried
 * (the session was already gone, or sessions are off there); the next question reopens it anyway.
 */
export function startSessionCloser(options: SessionCloserOptions): { closeDue(): Promise<number>; stop(): void } {
  const { schedule, clock, logger } = options;
  const batchSize = options.batchSize ?? 50;
  let running: Promise<number> | undefined;

  async function closeDue(): Promise<number> {
    const due = await schedule.takeDue(clock.now(), batchSize);
    let closed = 0;
    for (const thread of due) if (await options.close(thread)) closed += 1;
    if (due.length > 0) logger.info({ due: due.length, closed }, 'closed the agent sessions of expired threads');
    return closed;
  }

  const timer = setInterval(() => {
    running ??= closeDue()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'could not close expired agent sessions; trying again later');
        return 0;
      })
      .finally(() => (running = undefined));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    closeDue,
    stop: () => clearInterval(timer),
  };
}

