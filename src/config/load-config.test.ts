import { defaultQuestionFileLimits } from '../core/files/choose-readable-files.js';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

const httpEnv = {
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: 'signing-secret',
  ANTHROPIC_API_KEY: 'sk-ant-test',
};

const socketEnv = {
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_APP_TOKEN: 'xapp-test-token',
  ANTHROPIC_API_KEY: 'sk-ant-test',
};

/** Runs loadConfig expecting a ConfigError and returns it. */
function configErrorOf(environment: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

function problemFor(error: ConfigError, variable: string): string {
  const problem = error.problems.find((text) => text.startsWith(`${variable} `));
  if (problem === undefined) throw new Error(`no problem names ${variable}: ${JSON.stringify(error.problems)}`);
  return problem;
}

describe('loadConfig', () => {
  it('builds an HTTP-mode config with defaults from a minimal environment', () => {
    const config = loadConfig(httpEnv);
    expect(config.slack).toEqual({
      botToken: 'xoxb-test-token',
      signingSecret: 'signing-secret',
      appToken: undefined,
      apiUrl: undefined,
      mode: 'http',
      agentSessions: true,
      streamCallsPerMinute: 90,
    });
    expect(loadConfig({ ...httpEnv, AGENT_SESSIONS: 'off' }).slack.agentSessions).toBe(false);
    expect(config.anthropic.apiKey).toBe('sk-ant-test');
    // No model is pinned by default: aliases resolve to the newest model the key can use.
    expect(config.anthropic.modelOverrides).toEqual({});
    expect(config.anthropic.maxOutputTokens).toBe(4096);
    expect(config.anthropic.stallTimeoutMs).toBe(60_000);
    expect(config.anthropic.retryBudgetMs).toBe(45_000);
    expect(config.port).toBe(3000);
    expect(config.agentsDir).toBe('agents');
    expect(config.redisUrl).toBeUndefined();
    expect(config.defaultAgent).toBeUndefined();
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.conversation).toEqual({
      historyTokenBudget: 60_000,
      retentionMs: 30 * 24 * 60 * 60 * 1000,
      maxStoredTurns: 200,
      maxQuestionChars: 20_000,
    });
    expect(config.runtime).toEqual({ shutdownDeadlineMs: 20_000, turnConcurrency: 256, fileMemoryBytes: 96 * 1024 * 1024, fileLimits: defaultQuestionFileLimits, streamFlushIntervalMs: 800 });
  });

  it('reads the file limits and the file hosts, and refuses a per-question total over the API request limit', () => {
    const config = loadConfig({ ...httpEnv, FILES_PER_QUESTION: '2', FILE_MAX_TEXT_KB: '64', FILE_MAX_PDF_MB: '5', FILE_MAX_MB_PER_QUESTION: '8', FILE_MEMORY_MB: '32', SLACK_FILE_HOSTS: 'files.slack.com, 127.0.0.1:9' });
    expect(config.runtime.fileLimits).toEqual({ maxFiles: 2, maxTextBytes: 64 * 1024, maxImageBytes: 5 * 1024 * 1024, maxPdfBytes: 5 * 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024 });
    expect(config.runtime.fileMemoryBytes).toBe(32 * 1024 * 1024);
    expect(config.slack.fileHosts).toEqual(['files.slack.com', '127.0.0.1:9']);
    expect(problemFor(configErrorOf({ ...httpEnv, FILE_MAX_MB_PER_QUESTION: '64' }), 'FILE_MAX_MB_PER_QUESTION')).toContain('32 MB');
  });

  it('rejects an odd or too small MAX_STORED_TURNS, since history is kept in whole pairs', () => {
    for (const value of ['7', '1']) {
      expect(problemFor(configErrorOf({ ...httpEnv, MAX_STORED_TURNS: value }), 'MAX_STORED_TURNS')).toContain('even number of at least 2');
    }
    expect(loadConfig({ ...httpEnv, MAX_STORED_TURNS: '2' }).conversation.maxStoredTurns).toBe(2);
  });

  it('runs in socket mode when SLACK_APP_TOKEN is set, without needing a signing secret', () => {
    const config = loadConfig(socketEnv);
    expect(config.slack.mode).toBe('socket');
    expect(config.slack.appToken).toBe('xapp-test-token');
    expect(config.slack.signingSecret).toBeUndefined();
  });

  it('reads explicit values and converts units', () => {
    const config = loadConfig({
      ...httpEnv,
      PORT: '8080',
      AGENTS_DIR: '/srv/agents',
      REDIS_URL: 'rediss://user:pw@redis.example:6380/2',
      DEFAULT_AGENT: 'architect',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      THREAD_RETENTION_DAYS: '7',
      MAX_OUTPUT_TOKENS: '1000',
      CLAUDE_MODEL: 'claude-custom',
      SLACK_API_URL: 'http://localhost:9999/api/',
    });
    expect(config.port).toBe(8080);
    expect(config.agentsDir).toBe('/srv/agents');
    expect(config.redisUrl).toBe('rediss://user:pw@redis.example:6380/2');
    expect(config.defaultAgent).toBe('architect');
    expect(config.log).toEqual({ level: 'debug', format: 'pretty' });
    expect(config.conversation.retentionMs).toBe(7 * 24 * 60 * 60 * 1000);
    expect(config.anthropic.maxOutputTokens).toBe(1000);
    expect(config.anthropic.modelOverrides.default).toBe('claude-custom');
    expect(config.slack.apiUrl).toBe('http://localhost:9999/api/');
  });

  it('names SLACK_BOT_TOKEN and ANTHROPIC_API_KEY with a hint when they are missing', () => {
    const error = configErrorOf({ SLACK_SIGNING_SECRET: 'secret' });
    expect(error.code).toBe('config_invalid');
    const bot = problemFor(error, 'SLACK_BOT_TOKEN');
    expect(bot).toContain('is required');
    expect(bot).toContain('hint: OAuth & Permissions');
    const key = problemFor(error, 'ANTHROPIC_API_KEY');
    expect(key).toContain('is required');
    expect(key).toContain('hint: console.anthropic.com');
    expect(error.message).toContain('SLACK_BOT_TOKEN');
    expect(error.message).toContain('ANTHROPIC_API_KEY');
  });

  it('names every problem at once, including the HTTP-mode signing secret', () => {
    const error = configErrorOf({});
    expect(error.problems).toHaveLength(3);
    problemFor(error, 'SLACK_BOT_TOKEN');
    problemFor(error, 'ANTHROPIC_API_KEY');
    problemFor(error, 'SLACK_SIGNING_SECRET');
  });

  it('requires SLACK_SIGNING_SECRET in HTTP mode and says how to switch to socket mode', () => {
    const error = configErrorOf({ SLACK_BOT_TOKEN: 'xoxb-1', ANTHROPIC_API_KEY: 'k' });
    expect(error.problems).toHaveLength(1);
    const problem = problemFor(error, 'SLACK_SIGNING_SECRET');
    expect(problem).toContain('HTTP mode');
    expect(problem).toContain('SLACK_APP_TOKEN');
    expect(problem).toContain('hint: Basic Information');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://x'],
    ['SLACK_APP_TOKEN', 'foo'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['MAX_OUTPUT_TOKENS', '-5'],
    ['THREAD_RETENTION_DAYS', '1.5'],
    ['SLACK_API_URL', 'not a url'],
  ])('names %s when it is %j', (variable, value) => {
    const error = configErrorOf({ ...httpEnv, [variable]: value });
    expect(error.problems).toHaveLength(1);
    const problem = problemFor(error, variable);
    expect(problem).not.toContain('is required');
  });

  it('explains the expected shape of a bad token or URL', () => {
    expect(problemFor(configErrorOf({ ...httpEnv, SLACK_APP_TOKEN: 'foo' }), 'SLACK_APP_TOKEN')).toContain('xapp-');
    expect(problemFor(configErrorOf({ ...httpEnv, SLACK_BOT_TOKEN: 'xoxp-user' }), 'SLACK_BOT_TOKEN')).toContain('xoxb-');
    expect(problemFor(configErrorOf({ ...httpEnv, REDIS_URL: 'http://x' }), 'REDIS_URL')).toContain('redis://');
  });

  it('reports several bad values together', () => {
    const error = configErrorOf({
      ...httpEnv,
      PORT: 'abc',
      REDIS_URL: 'http://x',
      SLACK_APP_TOKEN: 'foo',
      LOG_LEVEL: 'loud',
    });
    for (const variable of ['PORT', 'REDIS_URL', 'SLACK_APP_TOKEN', 'LOG_LEVEL']) problemFor(error, variable);
  });

  it('never puts a secret value in the error message', () => {
    const weirdBotToken = 'Zq9-SECRET-bot-7f3a';
    const weirdAppToken = 'Zq9-SECRET-app-1b2c';
    const weirdRedisUrl = 'http://admin:Zq9-SECRET-pw@redis.internal';
    const weirdPort = 'Zq9-SECRET-port';
    const error = configErrorOf({
      SLACK_BOT_TOKEN: weirdBotToken,
      SLACK_APP_TOKEN: weirdAppToken,
      ANTHROPIC_API_KEY: 'sk-ant-Zq9-SECRET-key',
      REDIS_URL: weirdRedisUrl,
      PORT: weirdPort,
    });
    expect(error.problems.length).toBeGreaterThanOrEqual(4);
    const everything = `${error.message}\n${JSON.stringify(error.details)}\n${error.problems.join('\n')}`;
    expect(everything).not.toContain('Zq9-SECRET');
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({
      ...httpEnv,
      PORT: '',
      AGENTS_DIR: '',
      LOG_LEVEL: '',
      MAX_OUTPUT_TOKENS: '',
      REDIS_URL: '',
      SLACK_APP_TOKEN: '  ',
      DEFAULT_AGENT: '',
    });
    expect(config.port).toBe(3000);
    expect(config.agentsDir).toBe('agents');
    expect(config.log.level).toBe('info');
    expect(config.anthropic.maxOutputTokens).toBe(4096);
    expect(config.redisUrl).toBeUndefined();
    expect(config.slack.mode).toBe('http');
    expect(config.defaultAgent).toBeUndefined();
  });

  it('reports empty required values as missing, not as malformed', () => {
    const error = configErrorOf({ SLACK_BOT_TOKEN: '', ANTHROPIC_API_KEY: '   ', SLACK_SIGNING_SECRET: '' });
    expect(problemFor(error, 'SLACK_BOT_TOKEN')).toContain('is required');
    expect(problemFor(error, 'ANTHROPIC_API_KEY')).toContain('is required');
    expect(problemFor(error, 'SLACK_SIGNING_SECRET')).toContain('is required in HTTP mode');
  });
});
