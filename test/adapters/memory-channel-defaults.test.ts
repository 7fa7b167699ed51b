import { describe, expect, it } from 'vitest';
import { createMemoryChannelDefaults } from '../../src/adapters/memory/memory-channel-defaults.js';
import { describeChannelDefaultsConformance } from '../conformance/channel-defaults-conformance.js';

const ttlMs = 365 * 24 * 60 * 60 * 1000;

describeChannelDefaultsConformance('memory channel defaults', async () => {
  let now = Date.UTC(2026, 11, 2, 12);
  const defaults = createMemoryChannelDefaults({ clock: { now: () => now }, ttlMs });
  return {
    defaults,
    // One process: a "replica" is the same in-memory store.
    anotherReplica: () => defaults,
    listEntries: async () => defaults.listEntries(),
    ageEntry: async () => {
      now += ttlMs - 5_000;
    },
    ttlMs,
    cleanup: async () => {},
  };
});

describe('createMemoryChannelDefaults', () => {
  it('forgets a default its lifetime after it was last set or read', async () => {
    let now = 0;
    const defaults = createMemoryChannelDefaults({ clock: { now: () => now }, ttlMs: 60_000 });
    const channel = { teamId: 'T1', channelId: 'C1' };
    await defaults.set(channel, { agentName: 'sre', setBy: 'U1', setAt: 0 });
    now = 59_000;
    expect(await defaults.get(channel)).toMatchObject({ agentName: 'sre' });
    now = 118_000;
    expect(await defaults.get(channel)).toMatchObject({ agentName: 'sre' });
    now = 178_000;
    expect(await defaults.get(channel)).toBeUndefined();
    expect(defaults.listEntries()).toEqual([]);
  });
});
