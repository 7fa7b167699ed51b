import { describe, expect, it } from 'vitest';
import { textBlocks, textOf } from '../model/content-block.js';
import { buildModelMessages as buildFromBlocks, type HistoryBudget } from './build-model-messages.js';
import { estimateTokens, MESSAGE_FRAMING_TOKENS } from './estimate-tokens.js';
import type { StoredTurn as StoredBlocksTurn } from '../thread/thread-state.js';

/** The tests speak text: a stored turn with one text block, and messages read back as their text. */
type StoredTurn = Omit<StoredBlocksTurn, 'content'> & { text: string };
interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
  cacheBreakpoint?: boolean;
}

function toBlocksTurn({ text, ...turn }: StoredTurn): StoredBlocksTurn {
  return { ...turn, content: textBlocks(text) };
}

function buildModelMessages(turns: StoredTurn[], question: string, budget: HistoryBudget) {
  const built = buildFromBlocks(turns.map(toBlocksTurn), textBlocks(question), budget);
  const messages: ModelMessage[] = built.messages.map((message) => {
    // One text block per message: the note and the question share it (see prependText).
    expect(message.content).toHaveLength(1);
    return { ...message, content: textOf(message.content) };
  });
  return { ...built, messages };
}

const LEFT_OUT = 'were left out to fit the context budget';
const roomy: HistoryBudget = { inputTokenBudget: 100_000, systemTokens: 500 };

function pair(index: number, options: { size?: number; status?: 'complete' | 'interrupted'; outputTokens?: number } = {}): StoredTurn[] {
  const pad = options.size === undefined ? '' : ` ${'x'.repeat(options.size)}`;
  return [
    { role: 'user', text: `question ${index}${pad}`, userId: 'U1', turnId: `t${index}`, at: 1000 + index },
    {
      role: 'assistant',
      text: `answer ${index}${pad}`,
      turnId: `t${index}`,
      at: 1001 + index,
      status: options.status ?? 'complete',
      ...(options.outputTokens === undefined ? {} : { outputTokens: options.outputTokens }),
    },
  ];
}

function history(count: number, size?: number): StoredTurn[] {
  return Array.from({ length: count }, (_, index) => pair(index + 1, { size })).flat();
}

function expectValidShape(messages: ModelMessage[], question: string): void {
  expect(messages.length % 2).toBe(1);
  messages.forEach((message, index) => {
    expect(message.role).toBe(index % 2 === 0 ? 'user' : 'assistant');
    expect(message.content).not.toBe('');
  });
  const last = messages.at(-1);
  expect(last?.role).toBe('user');
  expect(last?.content.endsWith(question)).toBe(true);
}

function countNotes(messages: ModelMessage[]): number {
  return messages.filter((message) => message.content.includes(LEFT_OUT)).length;
}

function withoutBreakpoint(messages: ModelMessage[]): { role: string; content: string }[] {
  return messages.map(({ role, content }) => ({ role, content }));
}

function breakpointIndexes(messages: ModelMessage[]): number[] {
  return messages.flatMap((message, index) => (message.cacheBreakpoint ? [index] : []));
}

/** Runs a thread of `turns` turns through the builder, storing each exchange as the runner does. */
function simulateThread(turns: number, budget: HistoryBudget, answerChars = 1200): Array<{ messages: ModelMessage[]; omittedTurns: number; estimatedInputTokens: number }> {
  const stored: StoredTurn[] = [];
  const requests = [];
  for (let turn = 1; turn <= turns; turn += 1) {
    const question = `question ${turn}: ${'q'.repeat(80)}`;
    const built = buildModelMessages(stored, question, budget);
    requests.push(built);
    const answer = `answer ${turn}: ${'a'.repeat(answerChars)}`;
    stored.push(
      { role: 'user', text: question, turnId: `t${turn}`, at: turn },
      { role: 'assistant', text: answer, turnId: `t${turn}`, at: turn, status: 'complete', outputTokens: Math.ceil(answer.length / 4) },
    );
  }
  return requests;
}

describe('buildModelMessages', () => {
  it('sends only the question when there is no history, marked for caching', () => {
    const built = buildModelMessages([], 'How should we shard?', roomy);
    expect(built.messages).toEqual([{ role: 'user', content: 'How should we shard?', cacheBreakpoint: true }]);
    expect(built.omittedTurns).toBe(0);
    expect(built.estimatedInputTokens).toBe(roomy.systemTokens + estimateTokens('How should we shard?'));
  });

  it('keeps every exchange in order and ends with the new question', () => {
    const built = buildModelMessages(history(3), 'next?', roomy);
    expect(withoutBreakpoint(built.messages)).toEqual([
      { role: 'user', content: 'question 1' },
      { role: 'assistant', content: 'answer 1' },
      { role: 'user', content: 'question 2' },
      { role: 'assistant', content: 'answer 2' },
      { role: 'user', content: 'question 3' },
      { role: 'assistant', content: 'answer 3' },
      { role: 'user', content: 'next?' },
    ]);
    expect(built.omittedTurns).toBe(0);
    expect(countNotes(built.messages)).toBe(0);
  });

  it('places at most 3 cache breakpoints: end of the first exchange, last history message, new question', () => {
    const { messages } = buildModelMessages(history(3), 'next?', roomy);
    expect(breakpointIndexes(messages)).toEqual([1, messages.length - 2, messages.length - 1]);
    const single = buildModelMessages(history(1), 'next?', roomy).messages;
    expect(breakpointIndexes(single)).toEqual([1, 2]);
  });

  it('does not modify the stored turns', () => {
    const turns = history(2);
    const snapshot = structuredClone(turns);
    buildModelMessages(turns, 'next?', { inputTokenBudget: 30, systemTokens: 0 });
    buildModelMessages(turns, 'next?', roomy);
    expect(turns).toEqual(snapshot);
  });

  it('marks interrupted answers so the agent knows they were cut short', () => {
    const turns = [...pair(1, { status: 'interrupted' }), ...pair(2)];
    const { messages } = buildModelMessages(turns, 'go on', roomy);
    expect(messages[1]?.content.startsWith('answer 1')).toBe(true);
    expect(messages[1]?.content).toContain('interrupted');
    expect(messages[3]?.content).toBe('answer 2');
  });

  it('keeps the first exchange and the most recent ones when over budget, with one note at the gap', () => {
    const turns = history(10, 300);
    const pairTokens = estimateTokens(turns[0]?.text ?? '') + estimateTokens(turns[1]?.text ?? '');
    const question = 'what now?';
    const budget = { inputTokenBudget: 100 + estimateTokens(question) + pairTokens * 5 + 10, systemTokens: 100, trimStep: 0.01 };

    const built = buildModelMessages(turns, question, budget);

    expectValidShape(built.messages, question);
    const questions = built.messages.filter((message) => message.role === 'user').map((message) => message.content);
    expect(questions[0]).toBe(turns[0]?.text);
    // First exchange, then the most recent ones, in order (a pair's worth of room goes to the note).
    expect(questions.slice(1, -1).map((text) => text.match(/question (\d+)/)?.[1])).toEqual(['8', '9', '10']);
    expect(built.omittedTurns).toBe(12);
    expect(countNotes(built.messages)).toBe(1);
    expect(built.messages[2]?.content).toContain('[6 earlier exchange(s) in this thread');
    expect(built.messages[2]?.content.endsWith(turns[14]?.text ?? '')).toBe(true);
    expect(built.estimatedInputTokens).toBeLessThanOrEqual(budget.inputTokenBudget);
    expect(built.messages.filter((message) => message.cacheBreakpoint).length).toBeLessThanOrEqual(3);
  });

  it('puts the note on the new question when only the first exchange fits', () => {
    const turns = history(5, 300);
    const pairTokens = estimateTokens(turns[0]?.text ?? '') + estimateTokens(turns[1]?.text ?? '');
    const question = 'and?';
    const built = buildModelMessages(turns, question, {
      inputTokenBudget: estimateTokens(question) + pairTokens + 60,
      systemTokens: 0,
    });
    expectValidShape(built.messages, question);
    expect(built.messages).toHaveLength(3);
    expect(built.messages[0]?.content).toBe(turns[0]?.text);
    expect(built.omittedTurns).toBe(8);
    expect(countNotes(built.messages)).toBe(1);
    expect(built.messages[2]?.content).toContain('[4 earlier exchange(s) in this thread');
  });

  it('still sends a valid request when the question alone is larger than the budget', () => {
    const question = `Please review this: ${'y'.repeat(3000)}`;
    const built = buildModelMessages(history(3), question, { inputTokenBudget: 200, systemTokens: 50 });
    expectValidShape(built.messages, question);
    expect(built.messages).toHaveLength(1);
    expect(built.omittedTurns).toBe(6);
    expect(countNotes(built.messages)).toBe(1);
  });

  it('sends a question larger than the budget as-is when there is no history', () => {
    const question = 'z'.repeat(5000);
    const built = buildModelMessages([], question, { inputTokenBudget: 100, systemTokens: 10 });
    expect(withoutBreakpoint(built.messages)).toEqual([{ role: 'user', content: question }]);
    expect(built.omittedTurns).toBe(0);
  });

  it('fits the history to the model’s context window minus the answer when that is smaller than the budget', () => {
    const turns = history(20, 600);
    const built = buildModelMessages(turns, 'q', { inputTokenBudget: 1_000_000, systemTokens: 100, contextWindowTokens: 6000, maxOutputTokens: 2000 });
    expect(built.inputLimit).toBe(4000);
    expect(built.omittedTurns).toBeGreaterThan(0);
    expect(built.estimatedInputTokens).toBeLessThanOrEqual(4000);
  });

  it('weighs answers by the model’s reported output tokens, so dense text cannot overflow the budget', () => {
    // 300 characters that the model counted as 300 tokens (e.g. CJK): the 3-chars-per-token guess says ~104.
    const dense = Array.from({ length: 8 }, (_, index) => pair(index + 1, { size: 290, outputTokens: 300 })).flat();
    const budget = { inputTokenBudget: 2000, systemTokens: 100, trimStep: 0.05 };
    const built = buildModelMessages(dense, 'next?', budget);
    const sentAnswers = built.messages.filter((message) => message.role === 'assistant').length;
    const answerTokens = sentAnswers * (300 + MESSAGE_FRAMING_TOKENS);
    expect(answerTokens).toBeLessThanOrEqual(budget.inputTokenBudget);
    expect(built.estimatedInputTokens).toBeGreaterThanOrEqual(answerTokens);
    expect(built.estimatedInputTokens).toBeLessThanOrEqual(budget.inputTokenBudget);
    // Questions in the same thread are counted at the thread's measured density too (≥ 1 token per char here).
    const questionTokens = built.estimatedInputTokens - budget.systemTokens - answerTokens;
    const sentQuestionChars = built.messages.filter((message) => message.role === 'user').reduce((sum, message) => sum + message.content.length, 0);
    expect(questionTokens).toBeGreaterThanOrEqual(sentQuestionChars);
  });

  it('turn N+1 starts with exactly turn N’s messages while nothing is trimmed', () => {
    const requests = simulateThread(12, roomy);
    for (let turn = 1; turn < requests.length; turn += 1) {
      const previous = withoutBreakpoint(requests[turn - 1]?.messages ?? []);
      const next = withoutBreakpoint(requests[turn]?.messages ?? []);
      expect(JSON.stringify(next.slice(0, previous.length))).toBe(JSON.stringify(previous));
    }
  });

  it('trims in coarse steps: the sent prefix stays identical for several turns between trims', () => {
    // ~320 tokens per exchange against a 4,000-token limit: trimming starts around turn 12.
    const budget = { inputTokenBudget: 4000, systemTokens: 200 };
    const requests = simulateThread(60, budget);
    let prefixBreaks = 0;
    for (let turn = 1; turn < requests.length; turn += 1) {
      const previous = withoutBreakpoint(requests[turn - 1]?.messages ?? []);
      const next = withoutBreakpoint(requests[turn]?.messages ?? []);
      if (JSON.stringify(next.slice(0, previous.length)) !== JSON.stringify(previous)) prefixBreaks += 1;
    }
    const trimmedTurns = requests.filter((request) => request.omittedTurns > 0).length;
    expect(trimmedTurns).toBeGreaterThan(40);
    // A trim step frees a quarter of the limit (~3 exchanges), so the prefix breaks at most every few turns.
    expect(prefixBreaks).toBeLessThanOrEqual(Math.ceil(trimmedTurns / 3) + 1);
    for (const request of requests) {
      expect(request.estimatedInputTokens).toBeLessThanOrEqual(4000);
      // The first question always stays.
      expect(request.messages[0]?.content).toContain('question 1:');
    }
    // The omitted count only grows.
    const omitted = requests.map((request) => request.omittedTurns);
    expect(omitted).toEqual([...omitted].sort((a, b) => a - b));
  });

  it('gives the same result when built twice from the same input', () => {
    const turns = history(6, 200);
    const budget = { inputTokenBudget: 800, systemTokens: 50 };
    expect(JSON.stringify(buildModelMessages(turns, 'q', budget))).toBe(JSON.stringify(buildModelMessages(turns, 'q', budget)));
  });

  it('skips an incomplete trailing question without breaking alternation', () => {
    const turns: StoredTurn[] = [...history(2), { role: 'user', text: 'dangling', turnId: 't9', at: 9 }];
    const built = buildModelMessages(turns, 'new', roomy);
    expectValidShape(built.messages, 'new');
    expect(built.messages).toHaveLength(5);
    expect(built.messages.some((message) => message.content === 'dangling')).toBe(false);
  });
});
