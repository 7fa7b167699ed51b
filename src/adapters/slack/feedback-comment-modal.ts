import { maxFeedbackCommentChars } from '../../core/feedback/record-feedback-press.js';
import { decodeFeedbackReference, encodeFeedbackReference, type FeedbackReference } from './feedback-buttons.js';

/** `action_id` of the "Tell us what was wrong" button in the private note after a 👎. */
export const feedbackCommentActionId = 'crew_feedback_comment';

/** `callback_id` of the comment modal; its `view_submission` stores the text with the vote. */
export const feedbackCommentCallbackId = 'crew_feedback_comment';

const inputBlockId = 'crew_feedback_comment_input';
const inputActionId = 'comment';

/**
 * The private note after a 👎: the acknowledgement, and a button that opens the short modal.
 * The modal is offered, not forced: a quick 👎 stays one click, and whoever wants to say more
 * is one click away (a modal popping up on every 👎 would interrupt reading the thread).
 */
export function buildCommentOfferBlocks(ack: string, reference: FeedbackReference): Record<string, unknown>[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: ack } },
    {
      type: 'actions',
      block_id: feedbackCommentActionId,
      elements: [
        {
          type: 'button',
          action_id: feedbackCommentActionId,
          text: { type: 'plain_text', text: 'Tell us what was wrong' },
          value: encodeFeedbackReference(reference),
        },
      ],
    },
  ];
}

/** The modal `view` asking what was wrong; `private_metadata` carries the answer and the channel. */
export function buildCommentModal(reference: FeedbackReference, channelId: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: feedbackCommentCallbackId,
    title: { type: 'plain_text', text: 'What was wrong?' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ c: channelId, r: encodeFeedbackReference(reference) }),
    blocks: [
      {
        type: 'input',
        block_id: inputBlockId,
        label: { type: 'plain_text', text: 'What should the answer have done better?' },
        element: {
          type: 'plain_text_input',
          action_id: inputActionId,
          multiline: true,
          max_length: maxFeedbackCommentChars,
          placeholder: { type: 'plain_text', text: 'e.g. It missed that we run Postgres 12.' },
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Kept with your 👎 on this answer, for the crew’s maintainers.' }] },
    ],
  };
}

/** What a submitted comment modal says; undefined when the view is not a usable one of ours. */
export interface CommentSubmission {
  reference: FeedbackReference;
  channelId: string;
  comment: string;
}

/** Reads a `view_submission`'s view: the answer and channel from `private_metadata`, the typed text. */
export function readCommentSubmission(view: { private_metadata?: string; state?: { values?: Record<string, Record<string, { value?: string | null }>> } }): CommentSubmission | undefined {
  let metadata: { c?: unknown; r?: unknown };
  try {
    metadata = JSON.parse(view.private_metadata ?? '') as { c?: unknown; r?: unknown };
  } catch {
    return undefined;
  }
  const reference = typeof metadata.r === 'string' ? decodeFeedbackReference(metadata.r) : undefined;
  if (!reference || typeof metadata.c !== 'string' || !/^[CDG][A-Z0-9]{1,31}$/.test(metadata.c)) return undefined;
  const comment = view.state?.values?.[inputBlockId]?.[inputActionId]?.value ?? '';
  const { value: _ignored, ...answer } = reference;
  return { reference: answer, channelId: metadata.c, comment };
}

/** The field errors a `view_submission` ack shows in the modal (`response_action: 'errors'`). */
export function commentErrors(message: string): { response_action: 'errors'; errors: Record<string, string> } {
  return { response_action: 'errors', errors: { [inputBlockId]: message } };
}
