import { describe, expect, it } from 'vitest';
import { createMemoryFeedbackStore } from '../../adapters/memory/memory-feedback-store.js';
import type { Logger } from '../shared/ports.js';
import type { FeedbackValue } from './feedback-vote.js';
import { createFeedbackRecorder } from './record-feedback-press.js';

function recordingLogger() {
  const lines: Array<{ level: string; context: Record<string, unknown>; message: string }> = [];
  const logAt =
    (level: string) =>
    (context: Record<string, unknown>, message: string): void =>
      void lines.push({ level, context, message });
  const logger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error'), child: () => logger } as unknown as Logger;
  return { logger, lines };
}

const vote = { teamId: 'T1', channelId: 'C1', threadTs: '1.1', turnId: 'C1-1.1', agent: 'backend-architect', userId: 'U1', at: 1 };

describe('createFeedbackRecorder', () => {
  it('counts a first vote and a changed one, never the same value again, and says so privately', async () => {
    const counted: Array<[string, FeedbackValue, string]> = [];
    const { logger } = recordingLogger();
    const recorder = createFeedbackRecorder({ store: createMemoryFeedbackStore({ retentionMs: 60_000 }), logger, onCounted: (...args) => void counted.push(args) });
    expect(await recorder.press({ ...vote, value: 'up' })).toEqual({ change: 'recorded', ack: 'Thanks — noted 👍', offerComment: false });
    expect(await recorder.press({ ...vote, value: 'down' })).toEqual({ change: 'changed', ack: 'Thanks — changed your vote to 👎', offerComment: true });
    expect(await recorder.press({ ...vote, value: 'down' })).toEqual({ change: 'unchanged', ack: 'Already noted 👎 — thanks!', offerComment: true });
    expect(counted).toEqual([
      ['backend-architect', 'up', 'recorded'],
      ['backend-architect', 'down', 'changed'],
    ]);
  });

  it('stores a trimmed, bounded comment with the vote and logs its text at debug only', async () => {
    const { logger, lines } = recordingLogger();
    const store = createMemoryFeedbackStore({ retentionMs: 60_000 });
    const recorder = createFeedbackRecorder({ store, logger });
    await recorder.press({ ...vote, value: 'down' });
    const key = { teamId: 'T1', channelId: 'C1', threadTs: '1.1', turnId: 'C1-1.1', userId: 'U1' };
    expect(await recorder.comment(key, `  ${'x'.repeat(1200)}  `)).toBe(true);
    expect((await store.attachComment(key, 'again'))?.comment).toBe('again');
    const withText = lines.filter((line) => JSON.stringify(line.context).includes('xxxx'));
    expect(withText.map((line) => line.level)).toEqual(['debug']);
    expect(withText[0]?.context.comment).toHaveLength(1000);
    expect(lines.find((line) => line.message === 'feedback comment stored')?.context).toMatchObject({ turnId: 'C1-1.1', chars: 1000, value: 'down' });
    expect(await recorder.comment({ ...key, userId: 'U2' }, 'no vote')).toBe(false);
  });
});
