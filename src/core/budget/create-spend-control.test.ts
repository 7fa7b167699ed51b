import { describe, expect, it } from 'vitest';
import { createMemorySpendLedger } from '../../adapters/memory/memory-spend-ledger.js';
import type { SpendLedger } from './ports.js';
import { createSpendControl } from './create-spend-control.js';

const scopes = { teamId: 'T1', channelId: 'C1' };
const turn = { inputTokens: 100, outputTokens: 200, cacheReadTokens: 1_000, cacheWriteTokens: 0 }; // 1,200 budget tokens

/** Counts the ledger's round trips: admission and recording must stay at one each. */
function countCalls(ledger: SpendLedger): SpendLedger & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    read: (...args) => (calls.push('read'), ledger.read(...args)),
    record: (...args) => (calls.push('record'), ledger.record(...args)),
  };
}

describe('createSpendControl', () => {
  it('admits until a budget is used up, then refuses until the next UTC midnight', async () => {
    let now = Date.UTC(2026, 11, 2, 23, 0);
    const clock = { now: () => now };
    const control = createSpendControl({ ledger: createMemorySpendLedger({ clock }), budgets: { channelDailyTokens: 2_000 }, clock });
    expect(await control.check(scopes)).toEqual({ allowed: true });
    expect(await control.record(scopes, turn)).toBe(1_200);
    expect(await control.check(scopes)).toEqual({ allowed: true });
    // The second answer was admitted with room left and is counted in full, past the budget.
    await control.record(scopes, turn);
    expect(await control.check(scopes)).toEqual({ allowed: false, scope: 'channel', limit: 2_000, used: 2_400, resetsAtMs: Date.UTC(2026, 11, 3) });
    // Another channel of the workspace has its own budget.
    expect(await control.check({ teamId: 'T1', channelId: 'C2' })).toEqual({ allowed: true });
    now = Date.UTC(2026, 11, 3);
    expect(await control.check(scopes)).toEqual({ allowed: true });
  });

  it('checks with one ledger read, records with one write, and skips the read when no budget is set', async () => {
    const clock = { now: () => Date.UTC(2026, 11, 2, 12) };
    const ledger = countCalls(createMemorySpendLedger({ clock }));
    const limited = createSpendControl({ ledger, budgets: { teamDailyTokens: 10_000, channelDailyTokens: 5_000 }, clock });
    await limited.check(scopes);
    await limited.record(scopes, turn);
    expect(ledger.calls).toEqual(['read', 'record']);

    ledger.calls.length = 0;
    const unlimited = createSpendControl({ ledger, budgets: {}, clock });
    expect(await unlimited.check(scopes)).toEqual({ allowed: true });
    // Without budgets nothing reads the counters: the turn's use is weighed but not written.
    expect(await unlimited.record(scopes, turn)).toBe(1_200);
    expect(ledger.calls).toEqual([]);
    // Nothing billed (e.g. a call refused before any token): no write either.
    expect(await limited.record(scopes, { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe(0);
    expect(ledger.calls).toEqual([]);
  });

  it("describes today's use for /crew usage", async () => {
    const clock = { now: () => Date.UTC(2026, 11, 2, 20, 48) };
    const control = createSpendControl({ ledger: createMemorySpendLedger({ clock }), budgets: { teamDailyTokens: 12_000 }, clock });
    await control.record(scopes, turn);
    const text = await control.describeUsage(scopes);
    expect(text).toContain('• This workspace: 1,200 of 12,000 budget tokens (10 %)');
    expect(text).toContain('• This channel: 1,200 budget tokens (no limit)');
    expect(text).toContain('Budgets reset at 00:00 UTC (in 3 h 12 min).');
  });
});
