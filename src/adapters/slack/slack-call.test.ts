import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../../../test/fakes/fake-slack-api.js';
import type { Logger } from '../../core/shared/ports.js';
import { slackClientOptions } from './create-slack-app.js';
import { readSlackError } from './read-slack-error.js';
import { callSlack } from './slack-call.js';

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
let slack: FakeSlackApi;
let client: WebClient;
const post = { channel: 'C1', text: 'hi' };

beforeAll(async () => {
  slack = await startFakeSlackApi();
  client = new WebClient('xoxb-test', slackClientOptions(slack.url));
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => slack.reset());

describe('the WebClient policy', () => {
  it('rejects rate-limited calls to our wrapper instead of waiting (the default policy can wait ~30 minutes)', async () => {
    const options = slackClientOptions();
    expect(options.rejectRateLimitedCalls).toBe(true);
    const retry = options.retryConfig as { retries: number; maxTimeout: number };
    expect(retry.retries * retry.maxTimeout).toBeLessThanOrEqual(10_000);

    slack.failNext('chat.postMessage', { rateLimitedSeconds: 120 });
    const startedAt = Date.now();
    const error = await client.apiCall('chat.postMessage', post).catch((caught: unknown) => caught);
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(readSlackError(error)).toEqual({ code: 'ratelimited', retryAfterSeconds: 120 });
  });
});

describe('callSlack', () => {
  it('waits Retry-After and tries again', async () => {
    slack.failNext('chat.postMessage', { rateLimitedSeconds: 1 });
    const result = await callSlack<{ ok: boolean }>(client, 'chat.postMessage', post, { logger });
    expect(result.ok).toBe(true);
    const [limited, retried] = slack.callsTo('chat.postMessage');
    expect(limited?.httpStatus).toBe(429);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('fails at once when Retry-After is longer than the wait budget: no answer waits minutes', async () => {
    slack.failNext('chat.postMessage', { rateLimitedSeconds: 90 });
    const startedAt = Date.now();
    const error = await callSlack(client, 'chat.postMessage', post, { logger, timeBudgetMs: 30_000 }).catch((caught: unknown) => caught);
    expect(readSlackError(error).code).toBe('ratelimited');
    expect(Date.now() - startedAt).toBeLessThan(2000);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('rethrows platform errors without retrying', async () => {
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const error = await callSlack(client, 'chat.postMessage', post, { logger }).catch((caught: unknown) => caught);
    expect(readSlackError(error).code).toBe('not_in_channel');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
