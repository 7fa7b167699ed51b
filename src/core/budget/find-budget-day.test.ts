import { describe, expect, it } from 'vitest';
import { findBudgetDay } from './find-budget-day.js';

describe('findBudgetDay', () => {
  it('names the UTC day and resets at the next UTC midnight', () => {
    expect(findBudgetDay(Date.UTC(2026, 11, 2, 15, 30))).toEqual({ day: '2026-12-02', resetsAtMs: Date.UTC(2026, 11, 3) });
  });

  it('rolls over exactly at 00:00 UTC', () => {
    const midnight = Date.UTC(2026, 11, 3);
    expect(findBudgetDay(midnight - 1).day).toBe('2026-12-02');
    expect(findBudgetDay(midnight)).toEqual({ day: '2026-12-03', resetsAtMs: Date.UTC(2026, 11, 4) });
  });

  it('crosses month and year ends', () => {
    expect(findBudgetDay(Date.UTC(2026, 11, 31, 23, 59))).toEqual({ day: '2026-12-31', resetsAtMs: Date.UTC(2027, 0, 1) });
    expect(findBudgetDay(Date.UTC(2028, 1, 28, 12)).resetsAtMs).toBe(Date.UTC(2028, 1, 29));
  });
});
