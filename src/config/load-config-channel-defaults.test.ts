import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

const httpEnv = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('loadConfig: CHANNEL_DEFAULT_EDITORS', () => {
  it('leaves the editors unset (anyone in the channel) when unset or blank', () => {
    expect(loadConfig(httpEnv).channelDefaults).toEqual({ editorUserIds: undefined });
    expect(loadConfig({ ...httpEnv, CHANNEL_DEFAULT_EDITORS: ' , ' }).channelDefaults).toEqual({ editorUserIds: undefined });
  });

  it('reads a comma-separated list of user ids', () => {
    expect(loadConfig({ ...httpEnv, CHANNEL_DEFAULT_EDITORS: ' U0123ABCD, W0456EFGH ,' }).channelDefaults).toEqual({ editorUserIds: ['U0123ABCD', 'W0456EFGH'] });
  });

  it('names the variable when an item is not a Slack id', () => {
    expect(() => loadConfig({ ...httpEnv, CHANNEL_DEFAULT_EDITORS: 'U1,@alice' })).toThrow(ConfigError);
    try {
      loadConfig({ ...httpEnv, CHANNEL_DEFAULT_EDITORS: 'U1,@alice' });
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(/^CHANNEL_DEFAULT_EDITORS must be comma-separated Slack ids/);
    }
  });
});
