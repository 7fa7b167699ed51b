import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { textOf } from '../../../core/model/content-block.js';
import type { QuestionIntake } from '../../../core/intake/submit-question.js';
import type { Clock, Logger } from '../../../core/shared/ports.js';
import type { ConversationStore } from '../../../core/thread/ports.js';
import { describeErrorForUser } from '../../../core/reply/describe-error-for-user.js';
import { readSlackError } from '../read-slack-error.js';
import { decodeRetryValue, retryActionId, type RetryButtonValue } from '../retry-button.js';
import { callSlack } from '../slack-call.js';

/** Dependencies of the interactivity listeners. */
export interface ActionListenerOptions {
  intake: QuestionIntake;
  store: ConversationStore;
  logger: Logger;
  clock: Clock;
  onSlackError?: (method: string, code: string) => void;
}

const alreadyRetrying = '🔁 That question is already being retried — the new answer is on its way in this thread.';
const questionGone = 'I no longer have that question, so I cannot retry it. Please ask it again.';

/** The question a Retry button refers to: inline in the button, else the stored question of that turn. */
async function findQuestion(store: ConversationStore, value: RetryButtonValue, channelId: string): Promise<string | undefined> {
  if (value.question !== undefined) return value.question;
  const thread = await store.getThread({ teamId: value.teamId, channelId, threadTs: value.threadTs });
  const turn = thread?.turns.find((candidate) => candidate.role === 'user' && candidate.turnId === value.turnId);
  return turn ? textOf(turn.content) : undefined;
}

/**
 * Registers the Retry button (`crew_retry`, offered after a failed or cut-short answer). A
 * press is acknowledged at once, then the same question is queued again in the same thread
 * through the intake — one retry per button: the claim `retry:<turn id>` makes a second
 * press (or a redelivered one) a no-op with a private note.
 */
export function registerActionListeners(app: App, options: ActionListenerOptions): void {
  const { intake, store, logger, clock } = options;

  app.action<BlockAction<ButtonAction>>({ action_id: retryActionId, type: 'block_actions' }, async ({ ack, body, action, client }) => {
    await ack();
    const channelId = body.channel?.id ?? body.container?.channel_id;
    const value = decodeRetryValue(action.value);
    const userId = body.user.id;
    const context = { channel: channelId, user: userId, action: retryActionId, retryOf: value?.turnId };
    if (!channelId || !value) {
      logger.warn(context, 'ignored a Retry press without a usable channel or value');
      return;
    }
    const tellPresser = (text: string): Promise<void> =>
      callSlack(
        client,
        'chat.postEphemeral',
        { channel: channelId, user: userId, thread_ts: value.threadTs, text },
        { logger, maxAttempts: 2, onError: options.onSlackError },
      ).then(
        () => undefined,
        (error: unknown) => logger.warn({ ...context, code: readSlackError(error).code }, 'could not answer a Retry press'),
      );

    try {
      const question = await findQuestion(store, value, channelId);
      if (question === undefined) {
        logger.info(context, 'Retry pressed for a question that is no longer known');
        await tellPresser(questionGone);
        return;
      }
      // Judged like any question: the presser, this channel, today's allowlists and rate limit.
      const outcome = await intake.submit({
        source: 'retry',
        jobId: `${channelId}-retry-${action.action_ts}`,
        teamId: value.teamId,
        channelId,
        threadTs: value.threadTs,
        userId,
        isDirectMessage: channelId.startsWith('D'),
        text: question,
        agent: { parse: false, agentName: value.agentName },
        deliveryIds: [`retry:${value.turnId}`],
        receivedAt: clock.now(),
        replies: { tellPrivately: tellPresser, tellInThread: tellPresser },
        duplicateNote: alreadyRetrying,
      });
      if (outcome.status === 'queued') logger.info({ ...context, turnId: outcome.job.id }, 'question queued again by the Retry button');
    } catch (error) {
      logger.error({ ...context, err: error }, 'could not queue a retried question');
      await tellPresser(`⚠️ ${describeErrorForUser(error)}`);
    }
  });
}
