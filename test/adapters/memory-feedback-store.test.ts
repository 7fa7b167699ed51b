import { describe, expect, it } from 'vitest';
import { createMemoryFeedbackStore } from '../../src/adapters/memory/memory-feedback-store.js';
import { formatThreadKey } from '../../src/core/thread/thread-key.js';
import { describeFeedbackStoreConformance } from '../conformance/feedback-store-conformance.js';

const retentionMs = 30 * 24 * 60 * 60 * 1000;

describeFeedbackStoreConformance('memory feedback store', async () => {
  const store = createMemoryFeedbackStore({ retentionMs });
  return {
    store,
    // One process: a "replica" is the same in-memory store.
    anotherReplica: () => store,
    retentionMs,
    expiresInMs: async (thread) => store.listThreads().find((entry) => entry.key === formatThreadKey(thread))?.expiresInMs ?? -2,
    cleanup: async () => {},
  };
});

describe('createMemoryFeedbackStore', () => {
  it('forgets a thread\'s votes once the retention has passed since its latest press', async () => {
    let now = Date.UTC(2026, 11, 2, 12);
    const store = createMemoryFeedbackStore({ clock: { now: () => now }, retentionMs: 60_000 });
    const vote = { teamId: 'T1', channelId: 'C1', threadTs: '1.1', turnId: 't1', agent: 'a', userId: 'U1', value: 'up' as const, at: now };
    await store.recordVote(vote);
    now += 59_000;
    expect(await store.recordVote({ ...vote, at: now })).toEqual({ previous: 'up' });
    now += 59_000;
    expect(await store.listVotes(0, now)).toHaveLength(1);
    now += 1_000;
    expect(await store.listVotes(0, now)).toEqual([]);
    expect(await store.recordVote({ ...vote, at: now })).toEqual({});
  });
});
