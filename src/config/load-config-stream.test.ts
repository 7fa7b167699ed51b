import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

const httpEnv = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('loadConfig: Slack stream rotation', () => {
  it('rotates streaming messages after 4 minutes by default, and reads STREAM_ROTATE_AFTER_MS', () => {
    expect(loadConfig(httpEnv).slackStream).toEqual({ rotateAfterMs: 240_000 });
    expect(loadConfig({ ...httpEnv, STREAM_ROTATE_AFTER_MS: '60000' }).slackStream.rotateAfterMs).toBe(60_000);
  });

  it('refuses a rotation age Slack would not allow (streams end after about 5 minutes)', () => {
    let problems: string[] = [];
    try {
      loadConfig({ ...httpEnv, STREAM_ROTATE_AFTER_MS: '300000' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^STREAM_ROTATE_AFTER_MS must be at most 270000/)]);
  });
});
