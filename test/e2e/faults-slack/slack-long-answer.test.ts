import { describe, expect, it } from 'vitest';
import { findOpenFence } from '../../../src/adapters/slack/markdown-fences.js';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botMessagesIn, storedTurnsOf, waitForTurnEnd } from '../faults-model/thread-helpers.js';

// Issue 3, point 12: answers longer than one Slack call (12,000 chars) or one message.
const harness = useCrewHarness({ env: { MAX_OUTPUT_TOKENS: '16000' } });

/** About `chars` characters of prose and fenced code blocks (with blank lines inside the code). */
function longAnswerWithCode(chars: number): string {
  const sections: string[] = [];
  let length = 0;
  for (let index = 1; length < chars; index += 1) {
    const prose = `### Part ${index}\n\n${'The service owns its data and exposes a narrow interface. '.repeat(9).trim()}`;
    const code = [
      '```ts',
      `export function handler${index}(event: Event): Result {`,
      '  const rows = loadRows(event);',
      '',
      ...Array.from({ length: 12 }, (_, line) => `  rows.push({ id: ${line}, part: ${index}, note: 'keep it idempotent' });`),
      '',
      '  return summarize(rows);',
      '}',
      '```',
    ].join('\n');
    const section = `${prose}\n\n${code}\n\n`;
    sections.push(section);
    length += section.length;
  }
  return sections.join('').trimEnd();
}

function markdownSentPerCall(): number[] {
  return harness.slack.calls
    .filter((call) => call.method.startsWith('chat.') && typeof call.args.markdown_text === 'string')
    .map((call) => (call.args.markdown_text as string).length);
}

describe('over-long answers', () => {
  it('splits 30,000 characters across messages at paragraph or code-block ends, never inside a block, losing nothing', async () => {
    const text = longAnswerWithCode(30_000);
    expect(text.length).toBeGreaterThanOrEqual(30_000);
    harness.anthropic.enqueueReply({ text });
    const event = buildMentionEvent({ text: 'write the whole service' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const messages = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const message of messages) {
      expect(findOpenFence(message.text)).toBeUndefined();
      expect(message.isStreaming).toBe(false);
    }
    // Every message but the last ends at a paragraph break or right after a closing fence.
    for (const message of messages.slice(0, -1)) expect(message.text).toMatch(/(\n\n|```\n)$/);
    expect(messages.map((message) => message.text).join('') === text).toBe(true);
    expect(harness.slack.calls.filter((call) => call.response.error === 'msg_too_long')).toHaveLength(0);
    expect(Math.max(...markdownSentPerCall())).toBeLessThanOrEqual(12_000);

    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.at(-1)).toMatchObject({ content: [{ type: 'text', text }], status: 'complete' });
  });

  it('closes and reopens a code block that alone is longer than a message, keeping every message balanced', async () => {
    const body = Array.from({ length: 700 }, (_, line) => `SELECT * FROM ledger WHERE id = ${line};`).join('\n');
    const text = `Here is the migration:\n\n\`\`\`sql\n${body}\n\`\`\`\n\nRun it off-peak.`;
    expect(text.length).toBeGreaterThan(20_000);
    harness.anthropic.enqueueReply({ text });
    const event = buildMentionEvent({ text: 'write the migration' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const messages = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const message of messages) expect(findOpenFence(message.text)).toBeUndefined();
    for (const message of messages.slice(1, -1)) expect(message.text.startsWith('```sql\n')).toBe(true);
    // Without the fence lines (the inserted closing/reopening ones among them), nothing is lost or added.
    const withoutFences = (markdown: string) => markdown.split('\n').filter((line) => !line.startsWith('```')).join('');
    expect(withoutFences(messages.map((message) => message.text).join('\n')) === withoutFences(text)).toBe(true);
    expect(Math.max(...markdownSentPerCall())).toBeLessThanOrEqual(12_000);
  });

  it('splits the post-and-update fallback too, with balanced code blocks', async () => {
    harness.slack.failNext('chat.startStream', { error: 'unknown_method' });
    const text = longAnswerWithCode(12_000);
    harness.anthropic.enqueueReply({ text });
    const event = buildMentionEvent({ text: 'write it without streaming' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const messages = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const message of messages) {
      expect(message.text.length).toBeLessThanOrEqual(4_000);
      expect((message.text.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(messages.at(-1)?.text).toContain('return summarize(rows);');
  });
});
