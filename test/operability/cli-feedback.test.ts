import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisFeedbackStore } from '../../src/adapters/redis/redis-feedback-store.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { FeedbackVote } from '../../src/core/feedback/feedback-vote.js';
import { createRedisTestContext, testRedisUrl, type RedisTestContext } from '../helpers/redis-test-prefix.js';

/** Runs the real CLI entry point as a process. */
function crew(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main-cli.ts', ...args],
      { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs a command in-process and captures what it prints. */
async function crewInProcess(args: string[], env: Record<string, string> = {}) {
  const output = { out: '', err: '' };
  const stream = (key: 'out' | 'err') =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output[key] += chunk.toString('utf8');
        callback();
      },
    });
  const code = await runCli(args, env, { out: stream('out'), err: stream('err') });
  return { code, ...output };
}

const dayMs = 24 * 60 * 60 * 1000;

describe('crew feedback', { timeout: 40_000 }, () => {
  let redisContext: RedisTestContext;
  let env: Record<string, string>;
  beforeAll(async () => {
    redisContext = await createRedisTestContext('cli-feedback');
    env = { REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: redisContext.prefix };
    // Votes as the bot stores them, on the same prefix.
    const store = createRedisFeedbackStore({ redis: redisContext.redis, keyPrefix: redisContext.prefix, retentionMs: 30 * dayMs });
    const now = Date.now();
    const vote = (fields: Partial<FeedbackVote>): FeedbackVote => ({
      teamId: 'T1', channelId: 'C1', threadTs: '1.000100', turnId: 'C1-1.000100', agent: 'backend-architect', userId: 'U1', value: 'up', at: now - dayMs, ...fields,
    });
    await store.recordVote(vote({ userId: 'U1', value: 'up' }));
    await store.recordVote(vote({ userId: 'U2', value: 'up', at: now - 2 * dayMs }));
    await store.recordVote(vote({ userId: 'U3', value: 'down', turnId: 'C1-1.000300', at: now - 3 * dayMs }));
    await store.attachComment({ teamId: 'T1', channelId: 'C1', threadTs: '1.000100', turnId: 'C1-1.000300', userId: 'U3' }, 'missed our constraints');
    // A changed vote counts once, with its last value.
    await store.recordVote(vote({ userId: 'U4', value: 'up', threadTs: '2.000100', turnId: 'C1-2.000100', agent: 'security-engineer', at: now - 4 * dayMs }));
    await store.recordVote(vote({ userId: 'U4', value: 'down', threadTs: '2.000100', turnId: 'C1-2.000100', agent: 'security-engineer', at: now - 2 * dayMs }));
    // Older than a week.
    await store.recordVote(vote({ userId: 'U5', value: 'down', threadTs: '3.000100', turnId: 'C1-3.000100', agent: 'sre-platform-engineer', at: now - 10 * dayMs }));
  });
  afterAll(async () => {
    await redisContext.cleanup();
  });

  it('prints the votes of the last 7 days per agent, from Redis', async () => {
    const result = await crew(['feedback', '--since', '7d'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Feedback of the last 7d \(\d{4}-\d\d-\d\d \d\d:\d\d – \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
    expect(lines[1]).toMatch(/^agent\s+👍\s+👎\s+👍 share\s+answers\s+comments$/);
    expect(lines[2]).toMatch(/^backend-architect\s+2\s+1\s+67%\s+2\s+1$/);
    expect(lines[3]).toMatch(/^security-engineer\s+0\s+1\s+0%\s+1\s+0$/);
    expect(lines[4]).toMatch(/^total\s+2\s+2\s+50%\s+3\s+1$/);
    expect(result.stdout).not.toContain('sre-platform-engineer');
    // Comment texts stay in Redis: the report counts them only.
    expect(result.stdout).not.toContain('missed our constraints');
  });

  it('defaults to 7 days, and reads further back with a longer --since', async () => {
    const byDefault = await crewInProcess(['feedback'], env);
    expect(byDefault.code).toBe(0);
    expect(byDefault.out).toContain('Feedback of the last 7d');
    const twoWeeks = await crewInProcess(['feedback', '--since=2w'], env);
    expect(twoWeeks.out).toMatch(/^sre-platform-engineer\s+0\s+1\s+0%\s+1\s+0$/m);
    expect(twoWeeks.out).toMatch(/^total\s+2\s+3\s+40%\s+4\s+1$/m);
  });

  it('says when there are no votes in the period', async () => {
    const result = await crewInProcess(['feedback', '--since', '1h'], env);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Feedback of the last 1h .*\nNo votes\.\n$/);
  });

  it('exits 2 with usage on a bad period and without REDIS_URL; 1 naming the Redis it could not reach, without its password', async () => {
    for (const args of [['feedback', '--since', 'a week'], ['feedback', '--since', '0d'], ['feedback', '--since', '400d'], ['feedback', '--verbose']]) {
      const usage = await crewInProcess(args, env);
      expect(usage.code).toBe(2);
      expect(usage.err).toContain('crew feedback [--since 7d]');
    }
    const missing = await crewInProcess(['feedback'], {});
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('crew feedback needs REDIS_URL');
    const down = await crewInProcess(['feedback'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.err).toContain('✘ Redis at');
    expect(down.err).not.toContain('hunter2');
  });
});
