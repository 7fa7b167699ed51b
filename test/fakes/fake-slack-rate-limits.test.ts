import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.js';
import { SLACK_TIERS } from './fake-slack-rate-limits.js';

let slack: FakeSlackApi;
beforeAll(async () => {
  slack = await startFakeSlackApi({ rateLimits: { 'users.info': { perMinute: 60, burst: 3 } } });
});
afterAll(() => slack.close());

async function callRaw(method: string, args: Record<string, string>): Promise<{ status: number; retryAfter: string | null; body: { ok: boolean; error?: string } }> {
  const response = await fetch(`${slack.url}${method}`, {
    method: 'POST',
    headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(args).toString(),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { ok: boolean; error?: string } };
}

describe('fake Slack rate limits', () => {
  it('lets a method’s burst through, then answers 429 ratelimited with Retry-After, as Slack does', async () => {
    slack.reset();
    const results = [];
    for (let index = 0; index < 5; index += 1) results.push(await callRaw('users.info', { user: 'U1' }));
    expect(results.slice(0, 3).map((result) => result.body.ok)).toEqual([true, true, true]);
    for (const refused of results.slice(3)) {
      expect(refused).toMatchObject({ status: 429, body: { ok: false, error: 'ratelimited' } });
      expect(Number(refused.retryAfter)).toBe(1);
    }
    expect(slack.rateLimits.accepted.get('users.info')).toBe(3);
    expect(slack.rateLimits.refused.get('users.info')).toBe(2);
    // Other methods have their own limits (none here).
    expect((await callRaw('auth.test', {})).body.ok).toBe(true);
  });

  it('reads as a rate limit to the real WebClient', async () => {
    slack.reset();
    slack.rateLimits.set('auth.test', SLACK_TIERS.tier1);
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.url, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    await client.auth.test();
    await expect(client.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 60 });
  });
});
