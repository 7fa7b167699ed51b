import { describe, expect, it } from 'vitest';
import { createMemoryConversationStore } from '../../src/adapters/memory/memory-conversation-store.js';
import { ConfigError } from '../../src/core/errors.js';
import { createPair, createThreadKey, describeConversationStoreConformance } from '../conformance/conversation-store-conformance.js';

describeConversationStoreConformance('memory conversation store', async (settings) => {
  let now = 1_700_000_000_000;
  return {
    store: createMemoryConversationStore({ clock: { now: () => now }, ...settings }),
    cleanup: async () => {},
    advanceTime: (ms) => {
      now += ms;
    },
  };
});

describe('createMemoryConversationStore', () => {
  it('rejects an odd or too small maxTurns and a non-positive retention', () => {
    expect(() => createMemoryConversationStore({ maxTurns: 5 })).toThrow(ConfigError);
    expect(() => createMemoryConversationStore({ maxTurns: 0 })).toThrow(ConfigError);
    expect(() => createMemoryConversationStore({ retentionMs: 0 })).toThrow(ConfigError);
  });

  it('uses the wall clock by default', async () => {
    const store = createMemoryConversationStore({ retentionMs: 60_000 });
    const key = createThreadKey();
    await store.bindAgent(key, 'agent', Date.now());
    await store.appendTurns(key, createPair('t1'));
    expect((await store.getThread(key))?.turns).toHaveLength(2);
  });

  it('keeps a thread readable at exactly its expiry instant, like Redis', async () => {
    let now = 0;
    const store = createMemoryConversationStore({ clock: { now: () => now }, retentionMs: 1000 });
    const key = createThreadKey();
    await store.bindAgent(key, 'agent', 0);
    now = 1000;
    expect(await store.hasThread(key)).toBe(true);
    now = 1001;
    expect(await store.hasThread(key)).toBe(false);
  });

  it('sweeps expired threads on writes so unread threads do not pile up', async () => {
    let now = 0;
    const store = createMemoryConversationStore({ clock: { now: () => now }, retentionMs: 1000, sweepIntervalMs: 500 });
    const stale = createThreadKey();
    await store.bindAgent(stale, 'agent', 0);
    now = 5000;
    // A write elsewhere triggers the sweep; the stale thread must be gone and stay gone.
    await store.bindAgent(createThreadKey(), 'agent', now);
    expect(await store.getThread(stale)).toBeUndefined();
  });
});
