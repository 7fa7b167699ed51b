import { describe, expect, it } from 'vitest';
import { findFeedbackDay, listUtcDays, parseFeedbackPeriod } from './parse-feedback-period.js';

describe('parseFeedbackPeriod', () => {
  it('reads whole hours, days and weeks', () => {
    expect(parseFeedbackPeriod('7d')).toBe(7 * 24 * 60 * 60 * 1000);
    expect(parseFeedbackPeriod('24h')).toBe(24 * 60 * 60 * 1000);
    expect(parseFeedbackPeriod('2w')).toBe(14 * 24 * 60 * 60 * 1000);
    expect(parseFeedbackPeriod('365d')).toBe(365 * 24 * 60 * 60 * 1000);
  });

  it('refuses zero, more than a year, fractions and other words', () => {
    for (const text of ['0d', '366d', '53w', '1.5d', '7', 'd', 'a week', '-1d', '7 days']) expect(parseFeedbackPeriod(text)).toBeUndefined();
  });
});

describe('listUtcDays', () => {
  it('lists every UTC day the period touches, both ends included', () => {
    expect(listUtcDays(Date.UTC(2026, 10, 29, 23, 59), Date.UTC(2026, 11, 2, 0, 1))).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(listUtcDays(Date.UTC(2026, 11, 2, 8), Date.UTC(2026, 11, 2, 9))).toEqual(['2026-12-02']);
  });

  it('files a press under its UTC day', () => {
    expect(findFeedbackDay(Date.UTC(2026, 11, 2, 23, 59, 59))).toBe('2026-12-02');
  });
});
