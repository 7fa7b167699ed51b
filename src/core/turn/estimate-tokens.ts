import type { ContentBlock } from '../model/content-block.js';
import type { StoredTurn } from '../thread/thread-state.js';
import { measureContentChars } from './history-content.js';

/** Tokens a message adds beyond its text (role and block framing), rounded up. */
export const MESSAGE_FRAMING_TOKENS = 8;

/**
 * Characters per token assumed for text the model has not counted: 3 over-estimates on
 * purpose (Claude's tokenizer averages ~3.5–4 characters per token for English and ~3 for code),
 * so a budget built on it does not overflow for those.
 */
const DEFAULT_TOKENS_PER_CHAR = 1 / 3;
/** Margin on a thread's measured ratio (the ratio comes from answers; questions may differ a little). */
const MEASURED_RATIO_MARGIN = 1.15;
/** Answer text needed before a thread's measured ratio is trusted (short texts are noisy). */
const MIN_MEASURED_CHARS = 400;

/**
 * Conservative token estimate for text the model has not counted yet, at 3 characters per
 * token plus framing. See {@link calibrateTokenEstimator} for the thread-aware version.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length * DEFAULT_TOKENS_PER_CHAR) + 4;
}

/** Estimates tokens of text the model has not counted, calibrated on one thread. */
export interface TokenEstimator {
  /** Tokens per character this estimator assumes. */
  readonly tokensPerChar: number;
  /** Estimated tokens of `text` (framing included). */
  estimate(text: string): number;
  /** Estimated tokens of some content blocks (framing included). */
  estimateContent(blocks: readonly ContentBlock[]): number;
}

/** True when the model's own output count of this stored answer can be trusted as its size. */
export function hasMeasuredSize(turn: StoredTurn): turn is StoredTurn & { outputTokens: number } {
  return (
    turn.role === 'assistant' &&
    turn.status === 'complete' &&
    typeof turn.outputTokens === 'number' &&
    turn.outputTokens > 0 &&
    // A count wildly below the text (a bad record) is not trusted: no tokenizer packs 12 chars per token on real text.
    turn.outputTokens * 12 >= measureContentChars(turn.content)
  );
}

/**
 * An estimator calibrated on the thread's own answers: the model reported how many tokens each
 * complete answer took (`outputTokens`), so `Σ outputTokens / Σ characters` is this thread's
 * real density. The estimate uses that density plus a 15 % margin, but never less than the
 * conservative default of 1 token per 3 characters — so English and code keep the safe default,
 * while denser scripts (CJK, emoji, base64) are counted at their measured, higher density instead
 * of being under-counted.
 */
export function calibrateTokenEstimator(turns: readonly StoredTurn[]): TokenEstimator {
  let tokens = 0;
  let chars = 0;
  for (const turn of turns) {
    if (!hasMeasuredSize(turn)) continue;
    tokens += turn.outputTokens;
    chars += measureContentChars(turn.content);
  }
  const measured = chars >= MIN_MEASURED_CHARS ? (tokens / chars) * MEASURED_RATIO_MARGIN : 0;
  // Rounded up to steps of 0.05 so the weights (and the trim points built on them) stay put from
  // one turn to the next instead of moving with every new answer.
  const tokensPerChar = measured > DEFAULT_TOKENS_PER_CHAR ? Math.ceil(measured * 20) / 20 : DEFAULT_TOKENS_PER_CHAR;
  return {
    tokensPerChar,
    estimate: (text) => Math.ceil(text.length * tokensPerChar) + 4,
    estimateContent: (blocks) => Math.ceil(measureContentChars(blocks) * tokensPerChar) + 4,
  };
}
