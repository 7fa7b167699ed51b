import { describe, expect, it } from 'vitest';
import { findCleanBreaks } from './markdown-breaks.js';
import { findOpenFence } from './markdown-fences.js';
import { planStreamChunk, type StreamChunkInput } from './plan-stream-chunk.js';

const base: StreamChunkInput = { messageText: '', pending: '', callRoom: 12_000, maxMessageChars: 100, softMessageChars: 80, age: 'fresh' };

describe('findCleanBreaks', () => {
  it('finds positions after blank lines and closing fences, never inside a code block', () => {
    const text = 'Intro.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\nAfter.\n\nEnd';
    const breaks = findCleanBreaks(text, 0, text.length);
    expect(breaks).toEqual([text.indexOf('```ts'), text.indexOf('After.'), text.indexOf('End')]);
    for (const position of breaks) expect(findOpenFence(text.slice(0, position))).toBeUndefined();
  });

  it('only reports positions inside (from, to]', () => {
    const text = 'a\n\nb\n\nc\n\n';
    expect(findCleanBreaks(text, 3, 6)).toEqual([6]);
  });
});

describe('planStreamChunk', () => {
  it('sends everything pending when it fits and the message is young and short', () => {
    expect(planStreamChunk({ ...base, messageText: 'Hello', pending: ' world' })).toEqual({ text: ' world', endsMessage: false });
  });

  it('ends a long message at the first clean break past the soft limit', () => {
    const messageText = 'x'.repeat(85);
    expect(planStreamChunk({ ...base, messageText, pending: 'end.\n\nNext one.' })).toEqual({ text: 'end.\n\n', endsMessage: true });
  });

  it('waits for a clean break past the soft limit while the text still fits', () => {
    expect(planStreamChunk({ ...base, messageText: 'x'.repeat(85), pending: ' same para' }).endsMessage).toBe(false);
  });

  it('ends an old message at a clean break, and an overdue one right away', () => {
    expect(planStreamChunk({ ...base, messageText: 'Hi', pending: 'a.\n\nb', age: 'due' })).toEqual({ text: 'a.\n\n', endsMessage: true });
    expect(planStreamChunk({ ...base, messageText: 'Hi', pending: 'no break yet', age: 'due' })).toEqual({ text: 'no break yet', endsMessage: false });
    expect(planStreamChunk({ ...base, messageText: 'Hi', pending: 'no break yet', age: 'overdue' })).toEqual({ text: 'no break yet', endsMessage: true });
  });

  it('when pending overflows the message, cuts at the last clean break that fits, outside code blocks', () => {
    const pending = `Para one.\n\n\`\`\`ts\n${'code();\n'.repeat(5)}\`\`\`\n\n${'tail '.repeat(30)}`;
    const plan = planStreamChunk({ ...base, pending });
    expect(plan.endsMessage).toBe(true);
    expect(plan.text.endsWith('```\n\n')).toBe(true);
    expect(findOpenFence(plan.text)).toBeUndefined();
  });

  it('cuts inside a code block only when the block alone is longer than the room (the caller reopens it)', () => {
    const pending = `\`\`\`sql\n${'SELECT 1;\n'.repeat(30)}\`\`\``;
    const plan = planStreamChunk({ ...base, pending });
    expect(plan.endsMessage).toBe(true);
    expect(plan.text.length).toBeLessThanOrEqual(100);
    expect(plan.text.endsWith('\n')).toBe(true);
  });

  it('never exceeds the call room, and reports a full message', () => {
    const plan = planStreamChunk({ ...base, callRoom: 30, pending: 'word '.repeat(40) });
    expect(plan.text.length).toBeLessThanOrEqual(30);
    expect(planStreamChunk({ ...base, messageText: 'x'.repeat(100), pending: 'more' })).toEqual({ text: '', endsMessage: true });
  });
});
