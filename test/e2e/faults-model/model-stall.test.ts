import { textOf } from '../../../src/core/model/content-block.js';
import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { retryButtonOf, storedTurnsOf, waitForSettledReplies, waitForTurnEnd } from './thread-helpers.js';

// Issue 3, point 7: a stalled model stream (no token for MODEL_STALL_TIMEOUT_MS) is aborted.
const harness = useCrewHarness({ env: { MODEL_STALL_TIMEOUT_MS: '300' } });

describe('when the model stalls', () => {
  it('aborts the request after the stall timeout, keeps the partial text and tells the person', async () => {
    const partial = 'Shard by tenant id, and ';
    harness.anthropic.enqueueReply({ text: `${partial}keep a directory service for lookups.`, fault: { stallAfterChars: partial.length } });
    const event = buildMentionEvent({ text: 'how do we shard?' });
    await harness.postEvent(event);

    const [message, ...others] = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
    expect(others).toHaveLength(0);
    expect(message?.text.startsWith(partial)).toBe(true);
    expect(message?.text).toContain('⚠️ _Answer interrupted: Claude stopped responding mid-answer, so I cut it off._');
    expect(retryButtonOf(message)).toBeDefined();

    // The fake saw its connection closed by the crew (the SDK's own timeout never fires on a stalled body).
    const request = await harness.slack.waitFor(() => {
      const first = harness.anthropic.requests[0];
      return first?.outcome === 'stalled' && first.completedAt !== undefined ? first : undefined;
    });
    expect(request.text).toBe(partial);
    expect(harness.anthropic.requests).toHaveLength(1);

    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.map((turn) => [turn.role, textOf(turn.content), turn.status])).toEqual([
      ['user', 'how do we shard?', undefined],
      ['assistant', partial, 'interrupted'],
    ]);
  });

  it('retries a stream that stalls before any text, then answers', async () => {
    harness.anthropic.enqueueReply({ text: 'never shown', fault: { stallAfterChars: 0 } });
    harness.anthropic.enqueueReply({ text: 'Second try worked.' });
    const event = buildMentionEvent({ text: 'are you stuck?' });
    await harness.postEvent(event);

    const [message] = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
    expect(message?.text).toBe('Second try worked.');
    expect(harness.anthropic.requests.map((request) => request.outcome)).toEqual(['stalled', 'completed']);
    expect(harness.slack.statusHistory('C111', event.event.ts).map((change) => change.status)).toContainEqual(
      expect.stringContaining('no answer from Claude yet, retrying'),
    );
  });
});
