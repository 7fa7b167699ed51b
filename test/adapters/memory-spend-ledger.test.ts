import { describe, expect, it } from 'vitest';
import { createMemorySpendLedger } from '../../src/adapters/memory/memory-spend-ledger.js';
import { describeSpendLedgerConformance } from '../conformance/spend-ledger-conformance.js';

const retentionMs = 2 * 24 * 60 * 60 * 1000;

describeSpendLedgerConformance('memory spend ledger', async () => {
  const ledger = createMemorySpendLedger({ retentionMs });
  return {
    ledger,
    // One process: a "replica" is the same in-memory ledger.
    anotherReplica: () => ledger,
    listCounters: async () => ledger.listCounters(),
    retentionMs,
    cleanup: async () => {},
  };
});

describe('createMemorySpendLedger', () => {
  it('forgets a counter once its retention has passed since the last write', async () => {
    let now = Date.UTC(2026, 11, 2, 12);
    const ledger = createMemorySpendLedger({ clock: { now: () => now }, retentionMs: 60_000 });
    const scopes = { teamId: 'T1', channelId: 'C1' };
    await ledger.record(scopes, 10, '2026-12-02');
    now += 59_000;
    await ledger.record(scopes, 10, '2026-12-02');
    now += 59_000;
    expect(await ledger.read(scopes, '2026-12-02')).toEqual({ team: 20, channel: 20 });
    now += 1_000;
    expect(await ledger.read(scopes, '2026-12-02')).toEqual({ team: 0, channel: 0 });
    expect(ledger.listCounters()).toEqual([]);
  });
});
