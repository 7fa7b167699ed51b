import type { RetryOffer } from '../../core/reply/ports.js';

/** `action_id` of the Retry button; `register-action-listeners.ts` handles presses. */
export const retryActionId = 'crew_retry';

/** Slack's limit on a button's `value`. */
const maxValueChars = 2000;

/** What a Retry button carries: a reference to the failed turn, and its question when it fits. */
export interface RetryButtonValue {
  turnId: string;
  teamId: string;
  threadTs: string;
  agentName?: string;
  /** The question, inline when it fits the value; otherwise read from the thread's stored history. */
  question?: string;
}

/** Encodes an offer as a button value (≤ 2,000 chars): the question is left out when too long. */
export function encodeRetryValue(offer: RetryOffer): string {
  const reference: RetryButtonValue = {
    turnId: offer.turnId,
    teamId: offer.teamId,
    threadTs: offer.threadTs,
    ...(offer.agentName ? { agentName: offer.agentName } : {}),
  };
  const withQuestion = JSON.stringify({ ...reference, question: offer.question });
  return withQuestion.length <= maxValueChars ? withQuestion : JSON.stringify(reference);
}

/** Decodes a Retry button value; undefined when it is not one of ours. */
export function decodeRetryValue(value: string | undefined): RetryButtonValue | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<RetryButtonValue>;
    if (typeof parsed.turnId !== 'string' || typeof parsed.teamId !== 'string' || typeof parsed.threadTs !== 'string') return undefined;
    return {
      turnId: parsed.turnId,
      teamId: parsed.teamId,
      threadTs: parsed.threadTs,
      ...(typeof parsed.agentName === 'string' ? { agentName: parsed.agentName } : {}),
      ...(typeof parsed.question === 'string' ? { question: parsed.question } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The Block Kit `actions` block with the Retry button. */
export function buildRetryActions(offer: RetryOffer): Record<string, unknown> {
  return {
    type: 'actions',
    block_id: retryActionId,
    elements: [
      {
        type: 'button',
        action_id: retryActionId,
        text: { type: 'plain_text', text: '🔁 Retry', emoji: true },
        value: encodeRetryValue(offer),
      },
    ],
  };
}
