import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { MAX_TIMER_MS } from './bounded-integer.js';
import { environmentSchema } from './config-schema.js';
import { loadConfig } from './load-config.js';

const httpEnv = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

function problemsOf(environment: Record<string, string | undefined>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

/** Every numeric setting, found from the schema itself so a new one cannot slip through untested. */
const numericSettings = Object.entries(environmentSchema.shape)
  .filter(([, field]) => typeof field.safeParse('2').data === 'number')
  .map(([name]) => name);

describe('loadConfig: every numeric setting is bounded', () => {
  it('finds the numeric settings (the list below is not empty by accident)', () => {
    expect(numericSettings).toEqual(
      expect.arrayContaining(['PORT', 'METRICS_PORT', 'MAX_OUTPUT_TOKENS', 'TURN_CONCURRENCY', 'STREAM_FLUSH_INTERVAL_MS', 'USER_RATE_LIMIT_BURST']),
    );
  });

  it.each(numericSettings)('%s refuses a huge value and names its maximum', (name) => {
    // Far past any sensible maximum (budgets go up to 10^12 budget tokens; timers to 2^31-1 ms).
    const problems = problemsOf({ ...httpEnv, [name]: String(10 ** 15) });
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name} must be at most \\d+`))]);
    const maximum = Number(/must be at most (\d+)/.exec(problems[0] ?? '')?.[1]);
    // Timers above 2^31-1 ms fire after 1 ms in Node: no *_MS setting may get there.
    if (name.endsWith('_MS')) expect(maximum).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(problemsOf({ ...httpEnv, [name]: String(maximum + 1) })).toContainEqual(expect.stringContaining(`${name} must be at most ${maximum}`));
  });

  it('accepts a value at its maximum', () => {
    const config = loadConfig({ ...httpEnv, STREAM_FLUSH_INTERVAL_MS: '60000', TURN_CONCURRENCY: '2000', MAX_OUTPUT_TOKENS: '128000' });
    expect(config.runtime.streamFlushIntervalMs).toBe(60_000);
    expect(config.runtime.turnConcurrency).toBe(2_000);
    expect(config.anthropic.maxOutputTokens).toBe(128_000);
  });

  it('says why a maximum is what it is, in plain words', () => {
    expect(problemsOf({ ...httpEnv, STREAM_FLUSH_INTERVAL_MS: '60001' })).toEqual([
      'STREAM_FLUSH_INTERVAL_MS must be at most 60000 (the thread would show nothing new for a minute)',
    ]);
  });

  it('names a value that is not a number as such, not as a missing variable', () => {
    expect(problemsOf({ ...httpEnv, TURN_CONCURRENCY: 'lots' })).toEqual(['TURN_CONCURRENCY must be a whole number']);
  });
});

describe('loadConfig: one run names every problem', () => {
  it('lists a missing SLACK_BOT_TOKEN, a bad PORT and an out-of-range timer together', () => {
    const problems = problemsOf({ SLACK_SIGNING_SECRET: 'secret', ANTHROPIC_API_KEY: 'sk-ant-test', PORT: 'eighty', MODEL_STALL_TIMEOUT_MS: '4000000000' });
    expect(problems).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN is required/),
      'PORT must be a whole number',
      expect.stringMatching(/^MODEL_STALL_TIMEOUT_MS must be at most 600000/),
    ]);
  });

  it('lists a schema-wide problem (HTTP mode needs a signing secret) next to the field problems', () => {
    const problems = problemsOf({ ANTHROPIC_API_KEY: 'sk-ant-test', PORT: '70000', TURN_LOCK_TTL_MS: '10' });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual(['SLACK_BOT_TOKEN', 'PORT', 'TURN_LOCK_TTL_MS', 'SLACK_SIGNING_SECRET']);
    expect(problems[1]).toBe('PORT must be at most 65535');
    expect(problems[2]).toBe('TURN_LOCK_TTL_MS must be at least 1000');
  });
});

describe('loadConfig: metrics endpoint', () => {
  it('serves /metrics on PORT without a token by default', () => {
    expect(loadConfig(httpEnv).metrics).toEqual({ port: undefined, token: undefined });
  });

  it('reads METRICS_PORT and METRICS_TOKEN', () => {
    const config = loadConfig({ ...httpEnv, METRICS_PORT: '9100', METRICS_TOKEN: 'a-long-enough-metrics-token' });
    expect(config.metrics).toEqual({ port: 9100, token: 'a-long-enough-metrics-token' });
  });

  it('refuses a guessable token without echoing it, and a metrics port equal to PORT', () => {
    const problems = problemsOf({ ...httpEnv, METRICS_TOKEN: 'short-secret', PORT: '3000', METRICS_PORT: '3000' });
    expect(problems).toEqual([
      'METRICS_TOKEN must be at least 16 characters (a short token is guessable)',
      'METRICS_PORT must differ from PORT (unset it to serve /metrics on PORT)',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
  });
});
