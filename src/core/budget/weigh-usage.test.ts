import { describe, expect, it } from 'vitest';
import { budgetTokenWeights, weighUsage } from './weigh-usage.js';

const none = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe('weighUsage', () => {
  it('counts one budget token per uncached input token', () => {
    expect(weighUsage({ ...none, inputTokens: 1_000 })).toBe(1_000);
  });

  it('weighs output 5×, cache writes 1.25× and cache reads 0.1×, as Anthropic bills them against input', () => {
    expect(weighUsage({ ...none, outputTokens: 1_000 })).toBe(5_000);
    expect(weighUsage({ ...none, cacheWriteTokens: 1_000 })).toBe(1_250);
    expect(weighUsage({ ...none, cacheReadTokens: 1_000 })).toBe(100);
    expect(budgetTokenWeights).toEqual({ inputTokens: 1, cacheWriteTokens: 1.25, cacheReadTokens: 0.1, outputTokens: 5 });
  });

  it('adds the kinds of a real turn up exactly (no floating-point drift)', () => {
    // A follow-up in a long thread: most of the prompt read from the cache, the new part written.
    expect(weighUsage({ inputTokens: 37, cacheWriteTokens: 812, cacheReadTokens: 41_503, outputTokens: 655 })).toBe(8_478); // 37 + 1,015 + 4,150.3 + 3,275 = 8,477.3, rounded up
  });

  it('rounds up to a whole budget token, so small cache reads never count as nothing', () => {
    expect(weighUsage({ ...none, cacheReadTokens: 1 })).toBe(1);
    expect(weighUsage({ ...none, cacheReadTokens: 11 })).toBe(2);
    expect(weighUsage(none)).toBe(0);
  });

  it('counts negative, fractional or non-finite counts as nothing rather than corrupting the ledger', () => {
    expect(weighUsage({ inputTokens: -5, outputTokens: Number.NaN, cacheReadTokens: Number.POSITIVE_INFINITY, cacheWriteTokens: 2.9 })).toBe(3);
  });
});
