import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../errors.js';
import type { TurnEvent } from './turn-event.js';
import { labelQueueInterruption, queueInterruptionNotice } from './label-queue-interruption.js';

async function collect(events: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const all: TurnEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function* turn(): AsyncGenerator<TurnEvent> {
  yield { type: 'text-delta', text: 'Half' };
  yield {
    type: 'turn-error',
    error: new ModelCallError('model_aborted', 'aborted', false),
    notice: '⚠️ _Answer interrupted: The answer was stopped._',
    retryable: false,
    retry: { turnId: 't', teamId: 'T', threadTs: '1', question: 'q' },
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  };
}

describe('labelQueueInterruption', () => {
  it('says "interrupted by a restart" (and offers no retry) when the queue aborted the turn', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collect(labelQueueInterruption(turn(), controller.signal));
    expect(events[0]).toEqual({ type: 'text-delta', text: 'Half' });
    expect(events[1]).toMatchObject({ type: 'turn-error', notice: queueInterruptionNotice, retryable: false });
    expect(events[1]).not.toHaveProperty('retry');
  });

  it('passes every event through untouched otherwise (e.g. the person pressed Stop)', async () => {
    const events = await collect(labelQueueInterruption(turn(), new AbortController().signal));
    expect(events).toEqual(await collect(turn()));
  });
});
