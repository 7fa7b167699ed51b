import type { Logger } from '../shared/ports.js';
import type { ReplySink, ReplyTarget } from '../reply/ports.js';

/**
 * A re-run after a crash meets what its earlier attempt left in the thread: the job holds the
 * ts of every message that attempt started (saved as each appeared). Two cases differ:
 *
 * - Slack shows the answer finished (`readDeliveredAnswer`: its last message carries this turn's
 *   feedback buttons, which only the closing call of a complete answer adds). The answer was
 *   delivered in full and only storing it was lost: the re-run keeps what Slack shows and
 *   answers nothing — answering again would show the answer twice.
 * - Anything else: each message is marked cut off, and the turn is answered again below them.
 *
 * Returns the delivered text in the first case; undefined in the second.
 */
export async function settleEarlierAttempt(sink: ReplySink, target: ReplyTarget, messageTs: readonly string[], logger: Logger): Promise<string | undefined> {
  if (messageTs.length === 0) return undefined;
  const delivered = await sink.readDeliveredAnswer(target, messageTs).catch((error: unknown) => {
    logger.warn({ err: error }, 'could not read back the earlier attempt’s answer; answering again');
    return undefined;
  });
  if (delivered !== undefined) return delivered;
  for (const abandonedTs of messageTs) {
    await sink.markAbandoned(target, abandonedTs).catch((error: unknown) => {
      logger.warn({ err: error, messageTs: abandonedTs }, 'could not mark abandoned reply');
    });
  }
  return undefined;
}
