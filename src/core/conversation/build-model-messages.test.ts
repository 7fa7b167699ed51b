import { describe, expect, it } from 'vitest';
import type { ModelMessage } from '../model/model-client.js';
import { buildModelMessages, type HistoryBudget } from './build-model-messages.js';
import { estimateTokens } from './estimate-tokens.js';
import type { StoredTurn } from './thread-state.js';

const LEFT_OUT = 'were left out to fit the context budget';
const roomy: HistoryBudget = { inputTokenBudget: 100_000, systemTokens: 500 };

function pair(index: number, options: { size?: number; status?: 'complete' | 'interrupted' } = {}): StoredTurn[] {
  const pad = options.size === undefined ? '' : ` ${'x'.repeat(options.size)}`;
  return [
    { role: 'user', text: `question ${index}${pad}`, userId: 'U1', turnId: `t${index}`, at: 1000 + index },
    {
      role: 'assistant',
      text: `answer ${index}${pad}`,
      turnId: `t${index}`,
      at: 1001 + index,
      status: options.status ?? 'complete',
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

describe('buildModelMessages', () => {
  it('sends only the question when there is no history', () => {
    const built = buildModelMessages([], 'How should we shard?', roomy);
    expect(built.messages).toEqual([{ role: 'user', content: 'How should we shard?' }]);
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

  it('puts the cache breakpoint on the last history message only', () => {
    const { messages } = buildModelMessages(history(3), 'next?', roomy);
    const flagged = messages.flatMap((message, index) => (message.cacheBreakpoint ? [index] : []));
    expect(flagged).toEqual([messages.length - 2]);
    expect(messages.at(-1)?.cacheBreakpoint).toBeUndefined();
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

  it('keeps the first exchange and the most recent ones when over budget, with one note', () => {
    // Each pair weighs about 2 × (⌈(9 + 301) / 3⌉ + 4) = 216 tokens.
    const turns = history(10, 300);
    const pairTokens = estimateTokens(turns[0]?.text ?? '') + estimateTokens(turns[1]?.text ?? '');
    const question = 'what now?';
    const budget = { inputTokenBudget: 100 + estimateTokens(question) + pairTokens * 4 + 10, systemTokens: 100 };

    const built = buildModelMessages(turns, question, budget);

    expectValidShape(built.messages, question);
    const questions = built.messages.filter((message) => message.role === 'user').map((message) => message.content);
    expect(questions[0]).toBe(turns[0]?.text);
    // First pair, then pairs 8, 9 and 10: the most recent ones, in order.
    expect(questions.slice(1, 4).map((text) => text.match(/question (\d+)/)?.[1])).toEqual(['8', '9', '10']);
    expect(built.omittedTurns).toBe(12);
    expect(countNotes(built.messages)).toBe(1);
    // The note sits where the gap is: on the first question after the kept first exchange.
    expect(built.messages[2]?.content).toContain("[6 earlier exchange(s) in this thread");
    expect(built.messages[2]?.content.endsWith(turns[14]?.text ?? '')).toBe(true);
    expect(built.estimatedInputTokens).toBeLessThanOrEqual(budget.inputTokenBudget);
    expect(built.messages.filter((message) => message.cacheBreakpoint)).toHaveLength(1);
    expect(built.messages.at(-2)?.cacheBreakpoint).toBe(true);
  });

  it('puts the note on the new question when only the first exchange fits', () => {
    const turns = history(5, 300);
    const pairTokens = estimateTokens(turns[0]?.text ?? '') + estimateTokens(turns[1]?.text ?? '');
    const question = 'and?';
    const built = buildModelMessages(turns, question, {
      inputTokenBudget: estimateTokens(question) + pairTokens + 5,
      systemTokens: 0,
    });
    expectValidShape(built.messages, question);
    expect(built.messages).toHaveLength(3);
    expect(built.messages[0]?.content).toBe(turns[0]?.text);
    expect(built.omittedTurns).toBe(8);
    expect(countNotes(built.messages)).toBe(1);
    expect(built.messages[2]?.content).toContain("[4 earlier exchange(s) in this thread");
  });

  it('still sends a valid request when the question alone is larger than the budget', () => {
    const question = `Please review this: ${'y'.repeat(3000)}`;
    const built = buildModelMessages(history(3), question, { inputTokenBudget: 200, systemTokens: 50 });
    expectValidShape(built.messages, question);
    expect(built.messages).toHaveLength(1);
    expect(built.omittedTurns).toBe(6);
    expect(countNotes(built.messages)).toBe(1);
    expect(built.messages[0]?.cacheBreakpoint).toBeUndefined();
  });

  it('sends a question larger than the budget as-is when there is no history', () => {
    const question = 'z'.repeat(5000);
    const built = buildModelMessages([], question, { inputTokenBudget: 100, systemTokens: 10 });
    expect(built.messages).toEqual([{ role: 'user', content: question }]);
    expect(built.omittedTurns).toBe(0);
  });

  it('keeps the message prefix byte-identical from one turn to the next while nothing is trimmed', () => {
    const turnsBefore = history(3);
    const firstQuestion = 'How do we version the API?';
    const turnN = buildModelMessages(turnsBefore, firstQuestion, roomy);

    const turnsAfter: StoredTurn[] = [
      ...turnsBefore,
      { role: 'user', text: firstQuestion, userId: 'U1', turnId: 't4', at: 5000 },
      { role: 'assistant', text: 'Use a header.', turnId: 't4', at: 5001, status: 'complete' },
    ];
    const turnN1 = buildModelMessages(turnsAfter, 'And for events?', roomy);

    // Turn N's whole request (history + question) is the start of turn N+1's request.
    const prefixLength = turnN.messages.length;
    expect(JSON.stringify(withoutBreakpoint(turnN1.messages.slice(0, prefixLength)))).toBe(
      JSON.stringify(withoutBreakpoint(turnN.messages)),
    );
    // And the cached history prefix (everything up to turn N's breakpoint) is identical including the flag.
    expect(JSON.stringify(turnN1.messages.slice(0, prefixLength - 1).map(({ role, content }) => [role, content]))).toBe(
      JSON.stringify(turnN.messages.slice(0, prefixLength - 1).map(({ role, content }) => [role, content])),
    );
    expect(turnN1.messages.at(-2)?.cacheBreakpoint).toBe(true);
    expect(turnN1.messages.at(-1)?.content).toBe('And for events?');
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
