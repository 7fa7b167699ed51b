import type { Logger } from '../shared/ports.js';
import type { ReplySink, ReplyTarget, UnrecordedReply } from '../reply/ports.js';

/** What the job knows of its earlier attempts. */
export interface EarlierAttempt {
  /** This run's attempt (1: no earlier one). */
  attempt: number;
  /** Messages the earlier attempt recorded. */
  messageTs: readonly string[];
  /** The question's ts: an unrecorded message can only come after it. */
  questionTs: string;
}

/**
 * A re-run after a crash meets what its earlier attempt left in the thread: the job holds the
 * ts of every message that attempt started (saved as each appeared). Two cases differ:
 *
 * - Slack shows the answer finished (`readDeliveredAnswer`: its last message carries this turn's
 *   feedback buttons, which only the closing call of a complete answer adds). The answer was
 *   delivered in full and only storing it was lost: the re-run keeps what Slack shows and
 *   answers nothing — answering again would show the answer twice.
 * - Anything else: each message is marked cut off, and the turn is answered again below them.
 * - Nothing recorded on a re-run: the attempt may have died between Slack creating its message
 *   and recording it, so the sink looks for that message in the thread (`recoverUnrecordedReply`).
 *
 * Returns the delivered text in the first case; undefined in the second.
 */
export async function settleEarlierAttempt(sink: ReplySink, target: ReplyTarget, earlier: EarlierAttempt, logger: Logger): Promise<string | undefined> {
  const { messageTs } = earlier;
  if (messageTs.length === 0) {
    // A first attempt, or one that died before recording its first message's ts.
    if (earlier.attempt < 2) return undefined;
    const found = await sink.recoverUnrecordedReply(target, earlier.questionTs).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not look for what the earlier attempt left in the thread');
      return { marked: 0 } as UnrecordedReply;
    });
    return found.deliveredText;
  }
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
