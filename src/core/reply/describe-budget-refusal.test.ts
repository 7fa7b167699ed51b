import { describe, expect, it } from 'vitest';
import { describeBudgetRefusal } from './describe-budget-refusal.js';

const nowMs = Date.UTC(2026, 11, 2, 23, 15);
const resetsAtMs = Date.UTC(2026, 11, 3);

describe('describeBudgetRefusal', () => {
  it('names the workspace budget, its use and when it resets', () => {
    expect(describeBudgetRefusal({ scope: 'team', limit: 5_000_000, used: 5_012_000, resetsAtMs }, nowMs)).toBe(
      "🪙 This workspace's daily token budget for the crew is used up (5,012,000 of 5,000,000 budget tokens), so I didn't send your question to Claude. " +
        "It resets at 00:00 UTC (in 45 min); `/crew usage` shows today's use.",
    );
  });

  it('names the channel budget', () => {
    const text = describeBudgetRefusal({ scope: 'channel', limit: 200_000, used: 200_000, resetsAtMs }, nowMs);
    expect(text).toMatch(/^🪙 This channel's daily token budget for the crew is used up \(200,000 of 200,000 budget tokens\)/);
  });
});
