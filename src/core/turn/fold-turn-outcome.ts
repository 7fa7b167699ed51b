import type { CrewError } from '../errors.js';
import { textBlocks, type ContentBlock } from '../model/content-block.js';
import type { ModelUsage } from '../model/ports.js';
import type { ReplyStop } from '../reply/ports.js';
import type { TurnEvent } from './turn-event.js';

/** What a turn came to, folded from its events. */
export interface TurnOutcome {
  status: 'running' | 'complete' | 'interrupted' | 'failed';
  /** Answer text pushed to the reply so far. */
  shownText: string;
  /** What the history keeps of the answer (empty: nothing is stored). */
  content: ContentBlock[];
  usage?: ModelUsage;
  stopReason?: string;
  error?: CrewError;
}

/** The events a turn's outcome is folded from: the model loop's, and the reply's stop. */
export type OutcomeEvent = TurnEvent | { type: 'reply-stopped'; stop: ReplyStop };

/** The outcome before the first event. */
export const startingOutcome: TurnOutcome = { status: 'running', shownText: '', content: [] };

/**
 * Folds one event into the outcome (pure). The rule for history: only what the person saw is
 * kept — a complete answer as the model made it; an answer cut short (model error, Stop pressed,
 * the chat refusing it) as far as it was shown, marked interrupted; nothing shown, nothing kept.
 */
export function foldTurnOutcome(outcome: TurnOutcome, event: OutcomeEvent): TurnOutcome {
  switch (event.type) {
    case 'text-delta':
      return { ...outcome, shownText: outcome.shownText + event.text };
    case 'turn-end':
      return { ...outcome, status: 'complete', content: event.content, usage: event.usage, stopReason: event.stopReason };
    case 'turn-error':
      return { ...cutShort(outcome, outcome.shownText), error: event.error, usage: event.usage };
    case 'reply-stopped': {
      const { stop } = event;
      const seenWhole = outcome.status === 'complete' && stop.shownText.length >= outcome.shownText.length;
      const stopped = seenWhole ? outcome : cutShort(outcome, stop.shownText);
      return stop.failure ? { ...stopped, error: stop.failure } : stopped;
    }
    default:
      return outcome;
  }
}

function cutShort(outcome: TurnOutcome, shown: string): TurnOutcome {
  return { ...outcome, status: shown === '' ? 'failed' : 'interrupted', shownText: shown, content: shown === '' ? [] : textBlocks(shown) };
}

/**
 * The blocks worth storing of an answer: thinking is dropped (never re-sent in history), a server
 * tool's bulky result is reduced to the sources it found, and adjacent text is joined — so a
 * text-only answer is stored as one text block, as compact as before blocks existed.
 */
export function toStoredContent(content: readonly ContentBlock[]): ContentBlock[] {
  const stored: ContentBlock[] = [];
  for (const block of content) {
    if (block.type === 'thinking') continue;
    const kept: ContentBlock = block.type === 'tool-result' && block.server ? { type: 'tool-result', toolUseId: block.toolUseId, content: block.content, server: true, ...(block.isError ? { isError: true } : {}) } : block;
    const last = stored.at(-1);
    if (kept.type === 'text' && last?.type === 'text') stored[stored.length - 1] = { type: 'text', text: last.text + kept.text };
    else stored.push(kept);
  }
  return stored;
}
