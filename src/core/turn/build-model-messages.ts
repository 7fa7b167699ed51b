import type { ModelMessage } from '../model/ports.js';
import type { ContentBlock } from '../model/content-block.js';
import { appendText, prependText, toHistoryContent } from './history-content.js';
import { calibrateTokenEstimator, hasMeasuredSize, MESSAGE_FRAMING_TOKENS, type TokenEstimator } from './estimate-tokens.js';
import { selectKeptExchanges } from './select-kept-exchanges.js';
import type { StoredTurn } from '../thread/thread-state.js';

/** Options for fitting history to the model's input budget. */
export interface HistoryBudget {
  /** Most input tokens (system + history + question) a turn may send (`HISTORY_TOKEN_BUDGET`). */
  inputTokenBudget: number;
  /** Tokens of the system prompt (counted against the budget). */
  systemTokens: number;
  /** The model's context window; input is also kept under `contextWindowTokens − maxOutputTokens`. */
  contextWindowTokens?: number;
  /** Output tokens reserved in the context window. */
  maxOutputTokens?: number;
  /** Share of the input limit freed at once when exchanges must be left out (default 0.25). */
  trimStep?: number;
  /** Estimator for text without a model count (default: calibrated on the thread's answers). */
  estimator?: TokenEstimator;
}

/** What `buildModelMessages` decided. */
export interface BuiltMessages {
  messages: ModelMessage[];
  /** Stored turns left out to fit the budget. */
  omittedTurns: number;
  /** Input tokens of what is sent, counted as described on {@link buildModelMessages}. */
  estimatedInputTokens: number;
  /** The limit the history was fitted to: min(budget, context window − output). */
  inputLimit: number;
}

interface Exchange {
  question: StoredTurn;
  answer: StoredTurn;
  tokens: number;
}

const DEFAULT_TRIM_STEP = 0.25;
const INTERRUPTED_NOTE = '\n\n[This answer was interrupted before it was complete.]';

/** Tokens of a stored answer as it will be re-sent: the model's own count when it is known. */
function weighAnswer(answer: StoredTurn, estimator: TokenEstimator): number {
  if (hasMeasuredSize(answer)) return answer.outputTokens + MESSAGE_FRAMING_TOKENS;
  return estimator.estimateContent(renderAnswer(answer));
}

function pairTurns(turns: readonly StoredTurn[], estimator: TokenEstimator): Exchange[] {
  const exchanges: Exchange[] = [];
  for (let index = 0; index + 1 < turns.length; index += 2) {
    const question = turns[index];
    const answer = turns[index + 1];
    if (question?.role !== 'user' || answer?.role !== 'assistant') continue;
    exchanges.push({ question, answer, tokens: estimator.estimateContent(question.content) + weighAnswer(answer, estimator) });
  }
  return exchanges;
}

function renderAnswer(answer: StoredTurn): ContentBlock[] {
  const content = toHistoryContent(answer.content);
  return answer.status === 'interrupted' ? appendText(content, INTERRUPTED_NOTE) : content;
}

function omissionNote(exchanges: number): string {
  return `[${exchanges} earlier exchange(s) in this thread were left out to fit the context budget; the conversation continues below.]\n\n`;
}

/** The input limit: the configured budget, and never more than the model's window minus the answer. */
export function inputLimitOf(budget: HistoryBudget): number {
  const window = budget.contextWindowTokens;
  if (window === undefined) return budget.inputTokenBudget;
  return Math.min(budget.inputTokenBudget, window - (budget.maxOutputTokens ?? 0));
}

/**
 * Turns a thread's stored history plus the new question into model messages that fit the
 * input limit (see {@link selectKeptExchanges}: the first exchange and the most recent ones,
 * trimmed in coarse steps), with a note where exchanges were left out.
 *
 * Token counts: an answer weighs what the model reported for it (`outputTokens`, exact — the
 * same text re-sent as input tokenizes the same) plus framing; questions, notes and answers
 * without a count use the thread-calibrated estimate (never below 1 token per 3 characters).
 *
 * Cache breakpoints (`cacheBreakpoint`, at most 3 — the system prompt is the 4th): the end of
 * the first exchange (stable for the whole thread, so it survives a trim), the last history
 * message, and the new question, so the next turn — whose messages start with exactly this
 * turn's messages — reads all of this request from the prompt cache. Nothing time-dependent goes
 * into the messages.
 */
export function buildModelMessages(turns: StoredTurn[], question: ContentBlock[], budget: HistoryBudget): BuiltMessages {
  const estimator = budget.estimator ?? calibrateTokenEstimator(turns);
  const exchanges = pairTurns(turns, estimator);
  const inputLimit = inputLimitOf(budget);
  const questionTokens = estimator.estimateContent(question);
  const noteTokens = estimator.estimate(omissionNote(exchanges.length));
  const { keepFirst, cut } = selectKeptExchanges({
    weights: exchanges.map((exchange) => exchange.tokens),
    room: inputLimit - budget.systemTokens - questionTokens,
    noteTokens,
    chunkTokens: Math.floor(inputLimit * (budget.trimStep ?? DEFAULT_TRIM_STEP)),
  });

  const first = keepFirst ? exchanges.slice(0, 1) : [];
  const recent = exchanges.slice(1 + cut);
  const kept = [...first, ...recent];
  const omitted = exchanges.length - kept.length;
  let estimatedInputTokens = budget.systemTokens + questionTokens + kept.reduce((sum, exchange) => sum + exchange.tokens, 0);
  let pendingNote = omitted > 0 ? omissionNote(omitted) : '';
  if (pendingNote !== '') estimatedInputTokens += noteTokens;

  const messages: ModelMessage[] = [];
  kept.forEach((exchange, index) => {
    // The note sits where the gap is: on the first exchange after the kept first one.
    const noteHere = pendingNote !== '' && (index > 0 || !keepFirst);
    const questionContent = toHistoryContent(exchange.question.content);
    messages.push({ role: 'user', content: noteHere ? prependText(pendingNote, questionContent) : questionContent });
    if (noteHere) pendingNote = '';
    messages.push({ role: 'assistant', content: renderAnswer(exchange.answer) });
    if (index === 0 && keepFirst) (messages.at(-1) as ModelMessage).cacheBreakpoint = true;
  });
  const lastHistory = messages.at(-1);
  if (lastHistory) lastHistory.cacheBreakpoint = true;
  messages.push({ role: 'user', content: prependText(pendingNote, question), cacheBreakpoint: true });

  return { messages, omittedTurns: omitted * 2, estimatedInputTokens, inputLimit };
}
