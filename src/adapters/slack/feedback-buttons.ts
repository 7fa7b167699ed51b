import { AGENT_NAME_MAX_LENGTH, AGENT_NAME_PATTERN } from '../../core/agents/agent-schema.js';
import { parseFeedbackValue, type FeedbackValue } from '../../core/feedback/feedback-vote.js';
import type { ReplyTarget } from '../../core/reply/ports.js';

/** `action_id` of the 👍/👎 `feedback_buttons` element; `register-feedback-listeners.ts` handles presses. */
export const feedbackActionId = 'crew_feedback';

/** Slack's limits: a button's `value` (2,000 chars) and a `block_id` (255). */
const maxValueChars = 2000;
const maxBlockIdChars = 255;

/** The answer a feedback button (or the comment offer after a 👎) refers to. */
export interface FeedbackReference {
  teamId: string;
  threadTs: string;
  turnId: string;
  agent: string;
}

/** What a pressed feedback button carries: the answer, and which button. */
export interface FeedbackButtonValue extends FeedbackReference {
  value: FeedbackValue;
}

/** Turn ids are job ids (`C111-1700000000.000100`, `C111-retry-…`): short, no spaces. */
const turnIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const threadTsPattern = /^\d{1,12}\.\d{1,8}$/;
const teamIdPattern = /^[A-Z0-9]{1,32}$/;

/** The short keys a value is sent with (the value travels with every press). */
interface WireReference {
  tm: string;
  th: string;
  t: string;
  a: string;
}

/** Encodes a reference (plus the button's vote, for feedback buttons) as a button value. */
export function encodeFeedbackReference(reference: FeedbackReference, value?: FeedbackValue): string {
  const wire: WireReference & { v?: FeedbackValue } = { tm: reference.teamId, th: reference.threadTs, t: reference.turnId, a: reference.agent, ...(value ? { v: value } : {}) };
  return JSON.stringify(wire);
}

/**
 * Decodes a value sent back by Slack: undefined unless it is one of ours, well formed, within
 * Slack's length limit and naming a plausible team, thread, turn and agent. Never trusted
 * further than that: the channel and the person come from the payload, not from the value.
 */
export function decodeFeedbackReference(raw: string | undefined): (FeedbackReference & { value?: FeedbackValue }) | undefined {
  if (!raw || raw.length > maxValueChars) return undefined;
  let parsed: Partial<WireReference & { v: unknown }>;
  try {
    parsed = JSON.parse(raw) as Partial<WireReference & { v: unknown }>;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { tm, th, t, a, v } = parsed;
  if (typeof tm !== 'string' || !teamIdPattern.test(tm)) return undefined;
  if (typeof th !== 'string' || !threadTsPattern.test(th)) return undefined;
  if (typeof t !== 'string' || !turnIdPattern.test(t)) return undefined;
  if (typeof a !== 'string' || a.length > AGENT_NAME_MAX_LENGTH || !AGENT_NAME_PATTERN.test(a)) return undefined;
  const value = parseFeedbackValue(v);
  if (v !== undefined && value === undefined) return undefined;
  return { teamId: tm, threadTs: th, turnId: t, agent: a, ...(value ? { value } : {}) };
}

/** Decodes a pressed 👍/👎: a reference that says which button it was. */
export function decodeFeedbackButtonValue(raw: string | undefined): FeedbackButtonValue | undefined {
  const decoded = decodeFeedbackReference(raw);
  return decoded?.value ? { ...decoded, value: decoded.value } : undefined;
}

/** The answer a finished reply is, as its feedback buttons refer to it; undefined without a turn id. */
export function feedbackReferenceOf(target: ReplyTarget): FeedbackReference | undefined {
  if (!target.turnId) return undefined;
  return { teamId: target.teamId, threadTs: target.threadTs, turnId: target.turnId, agent: target.agent.name };
}

/** The feedback block's `block_id`: unique per answer, so it also tells which turn an answer's message finished. */
export function feedbackBlockIdOf(turnId: string): string {
  return `${feedbackActionId}:${turnId}`.slice(0, maxBlockIdChars);
}

/** True when a message's blocks hold `turnId`'s feedback block: that turn's answer finished there. */
export function carriesFeedbackOf(message: { blocks?: ReadonlyArray<{ block_id?: string }> }, turnId: string): boolean {
  const blockId = feedbackBlockIdOf(turnId);
  return (message.blocks ?? []).some((block) => block.block_id === blockId);
}

/**
 * The Block Kit `context_actions` block with a `feedback_buttons` element (👍 / 👎), shown
 * under a finished answer. Both buttons share one `action_id`; each `value` says which was
 * pressed and which answer it rates. The `block_id` is unique per answer, as Slack asks.
 */
export function buildFeedbackBlock(reference: FeedbackReference): Record<string, unknown> {
  return {
    type: 'context_actions',
    block_id: feedbackBlockIdOf(reference.turnId),
    elements: [
      {
        type: 'feedback_buttons',
        action_id: feedbackActionId,
        positive_button: {
          text: { type: 'plain_text', text: '👍' },
          value: encodeFeedbackReference(reference, 'up'),
          accessibility_label: 'This answer was helpful',
        },
        negative_button: {
          text: { type: 'plain_text', text: '👎' },
          value: encodeFeedbackReference(reference, 'down'),
          accessibility_label: 'This answer was not helpful',
        },
      },
    ],
  };
}
