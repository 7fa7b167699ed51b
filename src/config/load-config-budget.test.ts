import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

const httpEnv = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: daily token budgets', () => {
  it('sets no budget by default (and for blank values)', () => {
    expect(loadConfig(httpEnv).budgets).toEqual({ teamDailyTokens: undefined, channelDailyTokens: undefined });
    expect(loadConfig({ ...httpEnv, TEAM_DAILY_TOKEN_BUDGET: ' ', CHANNEL_DAILY_TOKEN_BUDGET: '' }).budgets).toEqual({
      teamDailyTokens: undefined,
      channelDailyTokens: undefined,
    });
  });

  it('reads both budgets as whole numbers of budget tokens', () => {
    const config = loadConfig({ ...httpEnv, TEAM_DAILY_TOKEN_BUDGET: '5000000', CHANNEL_DAILY_TOKEN_BUDGET: '200000' });
    expect(config.budgets).toEqual({ teamDailyTokens: 5_000_000, channelDailyTokens: 200_000 });
  });

  it('accepts the largest budget, 10^12', () => {
    expect(loadConfig({ ...httpEnv, TEAM_DAILY_TOKEN_BUDGET: '1000000000000' }).budgets.teamDailyTokens).toBe(1_000_000_000_000);
  });

  it('names each bad budget and why, never reading 0 as "no limit"', () => {
    expect(problemsOf({ ...httpEnv, TEAM_DAILY_TOKEN_BUDGET: '0' })).toEqual([
      'TEAM_DAILY_TOKEN_BUDGET must be greater than 0 (leave it unset for no limit)',
    ]);
    expect(problemsOf({ ...httpEnv, CHANNEL_DAILY_TOKEN_BUDGET: '1.5' })).toEqual(['CHANNEL_DAILY_TOKEN_BUDGET must be a whole number of budget tokens']);
    expect(problemsOf({ ...httpEnv, CHANNEL_DAILY_TOKEN_BUDGET: '-3' })).toEqual([
      'CHANNEL_DAILY_TOKEN_BUDGET must be greater than 0 (leave it unset for no limit)',
    ]);
    expect(problemsOf({ ...httpEnv, TEAM_DAILY_TOKEN_BUDGET: '1000000000001' })).toEqual(['TEAM_DAILY_TOKEN_BUDGET must be at most 1000000000000']);
    expect(problemsOf({ ...httpEnv, TEAM_DAILY_TOKEN_BUDGET: '5M', CHANNEL_DAILY_TOKEN_BUDGET: 'lots' })).toHaveLength(2);
  });
});
