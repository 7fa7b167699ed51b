import { describe, expect, it } from 'vitest';
import { formatUsageReport } from './format-usage-report.js';

const nowMs = Date.UTC(2026, 11, 2, 20, 48);

describe('formatUsageReport', () => {
  it("shows today's use against both budgets, the share used and the reset", () => {
    const text = formatUsageReport({
      budgets: { teamDailyTokens: 5_000_000, channelDailyTokens: 200_000 },
      used: { team: 1_250_000, channel: 12_345 },
      nowMs,
    });
    expect(text.split('\n')).toEqual([
      '*Crew token use today* (2026-12-02, UTC)',
      '• This workspace: 1,250,000 of 5,000,000 budget tokens (25 %)',
      '• This channel: 12,345 of 200,000 budget tokens (6 %)',
      'Budgets reset at 00:00 UTC (in 3 h 12 min).',
      '_Budget tokens count what tokens cost: one is an input token; an output token counts 5, a cache write 1.25, a cache read 0.1._',
    ]);
  });

  it('says that use is not counted, and how to turn budgets on, when none is set', () => {
    const text = formatUsageReport({ budgets: {}, used: { team: 0, channel: 0 }, nowMs });
    expect(text).toContain('No daily token budgets are set here, so use is not counted');
    expect(text).toContain('`TEAM_DAILY_TOKEN_BUDGET`');
    expect(text).not.toContain('reset');
  });

  it('marks a used-up budget and calls a DM "this conversation"', () => {
    const text = formatUsageReport({ budgets: { channelDailyTokens: 1_000 }, used: { team: 5_000, channel: 1_100 }, nowMs, isDirectMessage: true });
    expect(text).toContain('• This workspace: 5,000 budget tokens (no limit)');
    expect(text).toContain('• This conversation: 1,100 of 1,000 budget tokens (110 %) — used up: new questions wait for the reset');
    expect(text).toContain('Budgets reset at 00:00 UTC (in 3 h 12 min).');
  });
});
