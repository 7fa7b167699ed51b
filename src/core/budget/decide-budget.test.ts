import { describe, expect, it } from 'vitest';
import { decideBudget, hasAnyBudget } from './decide-budget.js';

const now = Date.UTC(2026, 11, 2, 21, 0);
const resetsAtMs = Date.UTC(2026, 11, 3);

describe('decideBudget', () => {
  it('allows everything when no budget is set', () => {
    expect(decideBudget({}, { team: 10 ** 12, channel: 10 ** 12 }, now)).toEqual({ allowed: true });
    expect(hasAnyBudget({})).toBe(false);
    expect(hasAnyBudget({ channelDailyTokens: 5 })).toBe(true);
  });

  it('allows a question while both budgets have room', () => {
    expect(decideBudget({ teamDailyTokens: 1_000, channelDailyTokens: 100 }, { team: 999, channel: 99 }, now)).toEqual({ allowed: true });
  });

  it('refuses once the workspace budget is reached, with the limit, the use and the next UTC midnight', () => {
    expect(decideBudget({ teamDailyTokens: 1_000 }, { team: 1_000, channel: 3 }, now)).toEqual({
      allowed: false,
      scope: 'team',
      limit: 1_000,
      used: 1_000,
      resetsAtMs,
    });
  });

  it('refuses once the channel budget is reached, reporting use past the limit (answers in flight are not cut)', () => {
    expect(decideBudget({ teamDailyTokens: 1_000, channelDailyTokens: 100 }, { team: 400, channel: 180 }, now)).toEqual({
      allowed: false,
      scope: 'channel',
      limit: 100,
      used: 180,
      resetsAtMs,
    });
  });

  it('names the workspace budget when both are used up', () => {
    const decision = decideBudget({ teamDailyTokens: 10, channelDailyTokens: 10 }, { team: 20, channel: 20 }, now);
    expect(decision).toMatchObject({ allowed: false, scope: 'team' });
  });
});
