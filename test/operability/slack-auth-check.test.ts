import { describe, expect, it } from 'vitest';
import { silentLogger } from '../helpers/test-fixtures.js';
import { createSlackAuthCheck } from '../../src/adapters/slack/create-slack-auth-check.js';
import type { Logger } from '../../src/core/shared/ports.js';


function platformError(code: string): Error {
  return Object.assign(new Error(`An API error occurred: ${code}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: code } });
}

function setup(answers: Array<'ok' | Error | 'hang'>) {
  let now = 0;
  const calls: number[] = [];
  const errors: string[] = [];
  const check = createSlackAuthCheck({
    authTest: async () => {
      calls.push(now);
      const answer = answers.shift() ?? 'ok';
      if (answer === 'hang') return new Promise(() => undefined);
      if (answer instanceof Error) throw answer;
      return { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T111' };
    },
    botToken: 'xoxb-test',
    clock: { now: () => now },
    logger: silentLogger(),
    readinessTimeoutMs: 50,
    onSlackError: (method, code) => errors.push(`${method}:${code}`),
  });
  return { check, calls, errors, advance: (ms: number) => (now += ms) };
}

describe('createSlackAuthCheck', () => {
  it('asks Slack at most once a minute while the token is good', async () => {
    const { check, calls, advance } = setup(['ok', 'ok']);
    expect(await check.check()).toEqual({ ok: true });
    advance(59_000);
    expect(await check.check()).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    advance(1_000);
    expect(await check.check()).toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it('reports a revoked token with the variable to fix, counts the error, and notices the fix within seconds', async () => {
    const { check, calls, errors, advance } = setup([platformError('token_revoked'), 'ok']);
    const failed = await check.check();
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.reason).toContain('token_revoked');
    expect(!failed.ok && failed.reason).toContain('SLACK_BOT_TOKEN');
    expect(errors).toEqual(['auth.test:token_revoked']);
    advance(4_000);
    expect((await check.check()).ok).toBe(false);
    expect(calls).toHaveLength(1);
    advance(1_000);
    expect(await check.check()).toEqual({ ok: true });
  });

  it('is not ready when auth.test does not answer in time', async () => {
    const { check } = setup(['hang']);
    const result = await check.check();
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('did not answer within 50 ms') });
  });

  it('authorizes events with the bot identity, retrying a failed lookup instead of caching the failure', async () => {
    const { check, calls } = setup([platformError('fatal_error'), 'ok']);
    await expect(check.authorize()).rejects.toThrow('fatal_error');
    expect(await check.authorize()).toEqual({ botToken: 'xoxb-test', botUserId: 'UBOT', botId: 'BBOT', teamId: 'T111' });
    // The identity never changes for a token: later events do not ask again.
    await check.authorize();
    expect(calls).toHaveLength(2);
    expect(await check.check()).toEqual({ ok: true });
  });

  it('rejects a token that is not a bot token', async () => {
    let now = 0;
    const check = createSlackAuthCheck({
      authTest: async () => ({ user_id: 'U123', team_id: 'T111' }),
      botToken: 'xoxb-test',
      clock: { now: () => (now += 1) },
      logger: silentLogger(),
    });
    const result = await check.check();
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('must be a bot token') });
  });
});
