import type { ModelMessage } from '../model/model-client.js';
import { estimateTokens } from './estimate-tokens.js';
import type { StoredTurn } from './thread-state.js';

/** Options for fitting history to the model's input budget. */
export interface HistoryBudget {
  /** Most input tokens (system + history + question) a turn may send. */
  inputTokenBudget: number;
  /** Tokens of the system prompt (counted against the budget). */
  systemTokens: number;
}

/** What `buildModelMessages` decided. */
export interface BuiltMessages {
  messages: ModelMessage[];
  /** Stored turns left out to fit the budget. */
  omittedTurns: number;
  /** Estimated input tokens of what is sent. */
  estimatedInputTokens: number;
}

interface TurnPair {
  question: StoredTurn;
  answer: StoredTurn;
  tokens: number;
}

/** Token weight of a stored turn: the model's own count when known, else a conservative estimate. */
function weighTurn(turn: StoredTurn): number {
  return estimateTokens(turn.text);
}

function pairTurns(turns: StoredTurn[]): TurnPair[] {
  const pairs: TurnPair[] = [];
  for (let index = 0; index + 1 < turns.length; index += 2) {
    const question = turns[index];
    const answer = turns[index + 1];
    if (question?.role !== 'user' || answer?.role !== 'assistant') continue;
    pairs.push({ question, answer, tokens: weighTurn(question) + weighTurn(answer) });
  }
  return pairs;
}

function renderAnswer(answer: StoredTurn): string {
  if (answer.status === 'interrupted') {
    return `${answer.text}\n\n[This answer was interrupted before it was complete.]`;
  }
  return answer.text;
}

/**
 * Turns a thread's stored history plus the new question into model messages that fit the
 * budget. Keeps the first exchange (it usually frames the thread) and as many of the most
 * recent exchanges as fit; when exchanges are left out, a note tells the agent so.
 * The last history message carries a cache breakpoint so the next turn reads this prefix
 * from the prompt cache; nothing time-dependent goes into the messages, so the prefix is
 * byte-identical from turn to turn while no exchange is dropped.
 */
export function buildModelMessages(turns: StoredTurn[], question: string, budget: HistoryBudget): BuiltMessages {
  const pairs = pairTurns(turns);
  const questionTokens = estimateTokens(question);
  let remaining = budget.inputTokenBudget - budget.systemTokens - questionTokens;

  const kept: TurnPair[] = [];
  let keepFirst = false;
  const first = pairs[0];
  if (first && first.tokens <= remaining) {
    keepFirst = true;
    remaining -= first.tokens;
  }
  const recent: TurnPair[] = [];
  for (let index = pairs.length - 1; index >= (keepFirst ? 1 : 0); index -= 1) {
    const pair = pairs[index];
    if (!pair || pair.tokens > remaining) break;
    recent.unshift(pair);
    remaining -= pair.tokens;
  }
  if (keepFirst && first) kept.push(first);
  kept.push(...recent);

  const omittedPairs = pairs.length - kept.length;
  const messages: ModelMessage[] = [];
  kept.forEach((pair, index) => {
    let questionText = pair.question.text;
    const isFirstRecent = keepFirst ? index === 1 : index === 0;
    if (omittedPairs > 0 && isFirstRecent) {
      questionText = `[${omittedPairs} earlier exchange(s) in this thread were left out to fit the context budget.]\n\n${questionText}`;
    }
    messages.push({ role: 'user', content: questionText });
    messages.push({ role: 'assistant', content: renderAnswer(pair.answer) });
  });
  const lastHistory = messages.at(-1);
  if (lastHistory) lastHistory.cacheBreakpoint = true;

  let newQuestion = question;
  if (omittedPairs > 0 && kept.length === (keepFirst ? 1 : 0)) {
    newQuestion = `[${omittedPairs} earlier exchange(s) in this thread were left out to fit the context budget.]\n\n${question}`;
  }
  messages.push({ role: 'user', content: newQuestion });

  return {
    messages,
    omittedTurns: omittedPairs * 2,
    estimatedInputTokens: budget.inputTokenBudget - remaining,
  };
}
