import type { App, BlockAction, BlockFeedbackButtonsAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { feedbackCommentThanks, feedbackCommentWithoutVote, type FeedbackRecorder } from '../../../core/feedback/record-feedback-press.js';
import { describeErrorForUser, feedbackFormUnavailableNotice } from '../../../core/reply/describe-error-for-user.js';
import type { Clock, Logger } from '../../../core/shared/ports.js';
import { buildCommentModal, buildCommentOfferBlocks, commentErrors, feedbackCommentActionId, feedbackCommentCallbackId, readCommentSubmission } from '../feedback-comment-modal.js';
import { decodeFeedbackButtonValue, decodeFeedbackReference, feedbackActionId } from '../feedback-buttons.js';
import { readSlackError } from '../read-slack-error.js';
import { callSlack } from '../slack-call.js';

/** Dependencies of the feedback listeners. */
export interface FeedbackListenerOptions {
  recorder: FeedbackRecorder;
  logger: Logger;
  clock: Clock;
  onSlackError?: (method: string, code: string) => void;
}

/** A private note in the thread for one person (best effort: a failure is logged, not thrown). */
type TellPrivately = (text: string, blocks?: Record<string, unknown>[]) => Promise<void>;

/**
 * Registers feedback on finished answers: the 👍/👎 `feedback_buttons` (`crew_feedback`), the
 * "Tell us what was wrong" button offered privately after a 👎 (`crew_feedback_comment`,
 * opens a modal with the press's `trigger_id`) and that modal's submission, which stores the
 * text with the vote. Every acknowledgement is private (`chat.postEphemeral`).
 */
export function registerFeedbackListeners(app: App, options: FeedbackListenerOptions): void {
  const { recorder, logger, clock } = options;

  function privateNote(client: WebClient, channel: string, user: string, threadTs: string, context: Record<string, unknown>): TellPrivately {
    return (text, blocks) =>
      callSlack(client, 'chat.postEphemeral', { channel, user, thread_ts: threadTs, text, ...(blocks ? { blocks } : {}) }, { logger, maxAttempts: 2, onError: options.onSlackError }).then(
        () => undefined,
        (error: unknown) => logger.warn({ ...context, code: readSlackError(error).code }, 'could not answer a feedback press privately'),
      );
  }

  app.action<BlockFeedbackButtonsAction>({ action_id: feedbackActionId, type: 'block_actions' }, async ({ ack, body, action, client }) => {
    await ack();
    const channelId = body.channel?.id ?? (body.container?.channel_id as string | undefined);
    const pressed = decodeFeedbackButtonValue(action.value);
    const userId = body.user.id;
    const pressedIn = (body.message?.thread_ts as string | undefined) ?? (body.container?.thread_ts as string | undefined);
    const context = { channel: channelId, user: userId, action: feedbackActionId, turnId: pressed?.turnId };
    // The value is ours only if it names the thread the button was pressed in.
    if (!channelId || !pressed || (pressedIn !== undefined && pressedIn !== pressed.threadTs)) {
      logger.warn(context, 'ignored a feedback press without a usable channel or value');
      return;
    }
    const tell = privateNote(client, channelId, userId, pressed.threadTs, context);
    try {
      const outcome = await recorder.press({ ...pressed, channelId, userId, at: clock.now() });
      const { value: _value, ...reference } = pressed;
      if (outcome.offerComment) await tell(outcome.ack, buildCommentOfferBlocks(outcome.ack, reference));
      else await tell(outcome.ack);
    } catch (error) {
      logger.error({ ...context, err: error }, 'could not record feedback');
      await tell(`⚠️ Your vote was not saved: ${describeErrorForUser(error)}`);
    }
  });

  app.action<BlockAction<ButtonAction>>({ action_id: feedbackCommentActionId, type: 'block_actions' }, async ({ ack, body, action, client }) => {
    await ack();
    const channelId = body.channel?.id ?? (body.container?.channel_id as string | undefined);
    const reference = decodeFeedbackReference(action.value);
    const userId = body.user.id;
    const context = { channel: channelId, user: userId, action: feedbackCommentActionId, turnId: reference?.turnId };
    if (!channelId || !reference) {
      logger.warn(context, 'ignored a feedback comment press without a usable channel or value');
      return;
    }
    const { value: _value, ...answer } = reference;
    try {
      // A trigger lives 3 seconds: one attempt, no waiting on rate limits.
      await callSlack(client, 'views.open', { trigger_id: body.trigger_id, view: buildCommentModal(answer, channelId) }, { logger, maxAttempts: 1, timeBudgetMs: 2500, onError: options.onSlackError });
      logger.info(context, 'feedback comment form opened');
    } catch (error) {
      logger.warn({ ...context, code: readSlackError(error).code }, 'could not open the feedback comment form');
      await privateNote(client, channelId, userId, answer.threadTs, context)(feedbackFormUnavailableNotice);
    }
  });

  app.view<ViewSubmitAction>({ callback_id: feedbackCommentCallbackId, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const submission = readCommentSubmission(view);
    const userId = body.user.id;
    const context = { user: userId, callbackId: feedbackCommentCallbackId, turnId: submission?.reference.turnId, channel: submission?.channelId };
    if (!submission) {
      logger.warn(context, 'ignored a feedback comment submission without usable metadata');
      await ack();
      return;
    }
    if (submission.comment.trim() === '') {
      await ack(commentErrors('Write a few words, or press Cancel.'));
      return;
    }
    let stored: boolean;
    try {
      stored = await recorder.comment({ ...submission.reference, channelId: submission.channelId, userId }, submission.comment);
    } catch (error) {
      logger.error({ ...context, err: error }, 'could not store a feedback comment');
      // Shown in the modal, which stays open with the text, so nothing typed is lost.
      await ack(commentErrors(`Not saved: ${describeErrorForUser(error)}`));
      return;
    }
    if (!stored) {
      await ack(commentErrors(feedbackCommentWithoutVote));
      return;
    }
    await ack();
    await privateNote(client, submission.channelId, userId, submission.reference.threadTs, context)(feedbackCommentThanks);
  });
}
