import { textOf } from '../../../src/core/model/content-block.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { retryButtonOf, storedTurnsOf, waitForSettledReplies, waitForTurnEnd } from './thread-helpers.js';

// Issue 3, point 5: 429 / 529 / 5xx before the stream starts.
let harness: CrewHarness;

beforeAll(async () => {
  // A small retry budget keeps the test fast; the rules are the same as with the default 45 s.
  harness = await startCrewHarness({ env: { MODEL_RETRY_BUDGET_MS: '1500' } });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.slack.reset();
  harness.anthropic.reset();
});

describe('when Claude is busy before the answer starts', () => {
  it('retries 429 (honouring retry-after) and 5xx, shows that Claude is busy, then answers', async () => {
    harness.anthropic.enqueueReply({ fault: { status: 429, retryAfterSeconds: 1 } });
    harness.anthropic.enqueueReply({ fault: { status: 529, retryAfterMs: 20 } });
    harness.anthropic.enqueueReply({ fault: { status: 500, retryAfterMs: 20 } });
    harness.anthropic.enqueueReply({ text: 'Partition the ledger by account.' });
    const event = buildMentionEvent({ text: 'how do we scale the ledger?' });
    await harness.postEvent(event);

    const [answer, ...others] = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.text).toBe('Partition the ledger by account.');
    expect(others).toHaveLength(0);

    const requests = harness.anthropic.requests;
    expect(requests.map((request) => request.status)).toEqual([429, 529, 500, 200]);
    // retry-after: 1 was read from the SDK error's headers and honoured.
    expect((requests[1]?.receivedAt ?? 0) - (requests[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1000);

    const statuses = harness.slack.statusHistory('C111', event.event.ts).map((change) => change.status);
    expect(statuses[0]).toBe('is thinking…');
    const retrying = statuses.filter((status) => /Claude is busy, retrying in \d+ s \(try \d of \d\)/.test(status));
    expect(retrying).toHaveLength(3);
    expect(retrying[0]).toContain('retrying in 1 s (try 2 of 4)');

    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.map((turn) => [turn.role, textOf(turn.content), turn.status])).toEqual([
      ['user', 'how do we scale the ledger?', undefined],
      ['assistant', 'Partition the ledger by account.', 'complete'],
    ]);
  });

  it('gives up within the retry budget with a clear message and a Retry button, and stores nothing', async () => {
    harness.anthropic.enqueueReply({ fault: { status: 529, retryAfterSeconds: 1 } });
    // The next retry-after (30 s) would overrun the 1.5 s budget: no second wait.
    harness.anthropic.enqueueReply({ fault: { status: 529, retryAfterSeconds: 30 } });
    harness.anthropic.enqueueReply({ text: 'never asked for' });
    const event = buildMentionEvent({ text: 'are you there?' });
    await harness.postEvent(event);

    const [message, ...others] = await waitForSettledReplies(harness.slack, 'C111', event.event.ts);
    expect(others).toHaveLength(0);
    expect(message?.text).toContain('Claude is overloaded right now and did not answer after several tries');
    expect(message?.text).not.toMatch(/Error|at .+:\d+|529/);
    expect(retryButtonOf(message)).toBeDefined();
    expect(harness.anthropic.requests).toHaveLength(2);
    expect(harness.slack.statusHistory('C111', event.event.ts).map((change) => change.status)).toContainEqual(
      expect.stringContaining('Claude is busy, retrying in 1 s'),
    );

    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    expect(await storedTurnsOf(harness.redis!, 'C111', event.event.ts)).toEqual([]);
  });
});
