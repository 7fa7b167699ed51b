import { describe, expect, it } from 'vitest';
import { formatBudgetReset, formatBudgetShare, formatTimeUntil, formatTokenCount } from './format-budget-figures.js';

describe('budget figures', () => {
  it('groups thousands with commas', () => {
    expect([0, 999, 1_000, 1_234_567, 1_000_000_000_000].map(formatTokenCount)).toEqual(['0', '999', '1,000', '1,234,567', '1,000,000,000,000']);
  });

  it('shows the share used as a whole percent, rounding down, and beyond 100 % when overshot', () => {
    expect(formatBudgetShare(0, 1_000)).toBe('0 %');
    expect(formatBudgetShare(3, 1_000)).toBe('<1 %');
    expect(formatBudgetShare(999, 1_000)).toBe('99 %');
    expect(formatBudgetShare(1_000, 1_000)).toBe('100 %');
    expect(formatBudgetShare(1_250, 1_000)).toBe('125 %');
  });

  it('says how long until the reset in hours and minutes', () => {
    const now = Date.UTC(2026, 11, 2, 20, 48);
    const midnight = Date.UTC(2026, 11, 3);
    expect(formatTimeUntil(midnight, now)).toBe('3 h 12 min');
    expect(formatTimeUntil(midnight, midnight - 2 * 60 * 60_000)).toBe('2 h');
    expect(formatTimeUntil(midnight, midnight - 12 * 60_000)).toBe('12 min');
    expect(formatTimeUntil(midnight, midnight - 20_000)).toBe('under a minute');
    expect(formatBudgetReset(midnight, now)).toBe('00:00 UTC (in 3 h 12 min)');
  });
});
