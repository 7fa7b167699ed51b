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

describe('loadConfig: key prefix, queue lock, allowlists and rate limit', () => {
  it('defaults to the crew: prefix, a 30 s lock, no allowlists and 10 questions a minute', () => {
    const config = loadConfig(httpEnv);
    expect(config.redisKeyPrefix).toBe('crew:');
    expect(config.queue).toEqual({ lockTtlMs: 30_000 });
    expect(config.access).toEqual({
      allowedTeamIds: undefined,
      allowedChannelIds: undefined,
      allowedUserIds: undefined,
      userRateLimitPerMinute: 10,
      userRateLimitBurst: 10,
    });
  });

  it('reads comma-separated allowlists (spaces and empty items ignored), the prefix, the lock and the limit', () => {
    const config = loadConfig({
      ...httpEnv,
      REDIS_KEY_PREFIX: 'crew-staging:',
      TURN_LOCK_TTL_MS: '1500',
      ALLOWED_TEAM_IDS: 'T111',
      ALLOWED_CHANNEL_IDS: ' C111 , G222,,',
      ALLOWED_USER_IDS: 'U1,W2',
      USER_RATE_LIMIT_PER_MINUTE: '4',
      USER_RATE_LIMIT_BURST: '8',
    });
    expect(config.redisKeyPrefix).toBe('crew-staging:');
    expect(config.queue.lockTtlMs).toBe(1500);
    expect(config.access).toEqual({
      allowedTeamIds: ['T111'],
      allowedChannelIds: ['C111', 'G222'],
      allowedUserIds: ['U1', 'W2'],
      userRateLimitPerMinute: 4,
      userRateLimitBurst: 8,
    });
  });

  it('turns the rate limit off with 0 and treats blank lists as unset', () => {
    const config = loadConfig({ ...httpEnv, USER_RATE_LIMIT_PER_MINUTE: '0', ALLOWED_USER_IDS: ' , ' });
    expect(config.access.userRateLimitPerMinute).toBe(0);
    expect(config.access.allowedUserIds).toBeUndefined();
  });

  it('names each bad variable', () => {
    const problems = problemsOf({
      ...httpEnv,
      REDIS_KEY_PREFIX: 'crew:{x}:',
      TURN_LOCK_TTL_MS: '100',
      ALLOWED_CHANNEL_IDS: '#general',
      USER_RATE_LIMIT_PER_MINUTE: '-1',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual(
      expect.arrayContaining(['REDIS_KEY_PREFIX', 'TURN_LOCK_TTL_MS', 'ALLOWED_CHANNEL_IDS', 'USER_RATE_LIMIT_PER_MINUTE']),
    );
  });
});
