import { describe, expect, it } from 'vitest';
import { DeliveryError, ModelCallError } from '../errors.js';
import { textBlocks } from '../model/content-block.js';
import type { ModelUsage } from '../model/ports.js';
import { foldTurnOutcome, startingOutcome, toStoredContent, type OutcomeEvent } from './fold-turn-outcome.js';

const usage: ModelUsage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };
const fold = (events: OutcomeEvent[]) => events.reduce(foldTurnOutcome, startingOutcome);
const text = (value: string): OutcomeEvent => ({ type: 'text-delta', text: value });

describe('foldTurnOutcome', () => {
  it('keeps a complete answer as the model made it', () => {
    const content = [{ type: 'tool-use' as const, id: 's1', name: 'web_search', input: {}, server: true }, ...textBlocks('Done.')];
    const outcome = fold([{ type: 'status', text: 'is thinking…' }, text('Done.'), { type: 'turn-end', stopReason: 'end_turn', usage, content }]);
    expect(outcome).toEqual({ status: 'complete', shownText: 'Done.', content, usage, stopReason: 'end_turn' });
  });

  it('keeps what was shown of an answer the model cut short, marked interrupted; nothing when nothing was shown', () => {
    const error = new ModelCallError('model_overloaded', 'overloaded', true);
    const failed = { type: 'turn-error' as const, error, notice: 'x', retryable: true, usage };
    expect(fold([text('Half'), failed])).toMatchObject({ status: 'interrupted', content: textBlocks('Half'), error });
    expect(fold([failed])).toMatchObject({ status: 'failed', content: [] });
  });

  it('keeps only what reached the person when they pressed Stop or Slack refused the rest', () => {
    const end: OutcomeEvent = { type: 'turn-end', stopReason: 'end_turn', usage, content: textBlocks('All of it.') };
    const stopped = fold([text('All of it.'), end, { type: 'reply-stopped', stop: { kind: 'stopped-by-user', shownText: 'All' } }]);
    expect(stopped).toMatchObject({ status: 'interrupted', shownText: 'All', content: textBlocks('All') });
    const failure = new DeliveryError('delivery_not_in_channel', 'refused', { slackCode: 'not_in_channel' });
    const refused = fold([text('Nothing'), { type: 'reply-stopped', stop: { kind: 'refused', shownText: '', failure } }]);
    expect(refused).toMatchObject({ status: 'failed', content: [], error: failure });
    const seenWhole = fold([text('All of it.'), end, { type: 'reply-stopped', stop: { kind: 'stopped-by-user', shownText: 'All of it.' } }]);
    expect(seenWhole.status).toBe('complete');
  });
});

describe('toStoredContent', () => {
  it('drops thinking, reduces a server tool result to a marker and joins adjacent text', () => {
    const stored = toStoredContent([
      { type: 'thinking', thinking: 'scratch', signature: 'sig' },
      { type: 'text', text: 'A ' },
      { type: 'tool-use', id: 's1', name: 'web_search', input: { query: 'q' }, server: true },
      { type: 'tool-result', toolUseId: 's1', content: '', server: true, raw: { huge: 'x'.repeat(10_000) } },
      { type: 'text', text: 'B' },
      { type: 'text', text: 'C' },
    ]);
    expect(stored).toEqual([
      { type: 'text', text: 'A ' },
      { type: 'tool-use', id: 's1', name: 'web_search', input: { query: 'q' }, server: true },
      { type: 'tool-result', toolUseId: 's1', content: '', server: true },
      { type: 'text', text: 'BC' },
    ]);
    expect(toStoredContent([{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }])).toEqual(textBlocks('xy'));
  });
});
