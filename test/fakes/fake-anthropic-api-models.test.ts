import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FAKE_MODELS, startFakeAnthropicApi } from './fake-anthropic-api.js';
import type { FakeAnthropicApi } from './fake-anthropic-api.js';

const API_KEY = 'sk-ant-test';
let api: FakeAnthropicApi;
let client: Anthropic;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeEach(async () => {
  api = await startFakeAnthropicApi({ apiKey: API_KEY });
  client = new Anthropic({ apiKey: API_KEY, baseURL: api.url, maxRetries: 0 });
});

afterEach(async () => {
  await api.close();
});

describe('fake Anthropic API: models', () => {
  it('lists the current lineup through models.list(), newest first, paging with limit and after_id', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) ids.push(model.id);
    expect(ids).toEqual(['claude-fable-5-2', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-4-5-20251001']);
    expect(api.modelsRequests.map((r) => r.query)).toEqual([{ limit: '3' }, { limit: '3', after_id: 'claude-opus-5-5' }]);

    const page = await client.models.list({ limit: 2 });
    expect(page.data).toEqual([
      { type: 'model', id: 'claude-fable-5-2', display_name: 'Claude Fable 5.2', created_at: '2026-11-05T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000 },
      { type: 'model', id: 'claude-sonnet-5-5', display_name: 'Claude Sonnet 5.5', created_at: '2026-09-28T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000 },
    ]);
    expect(page).toMatchObject({ has_more: true, first_id: 'claude-fable-5-2', last_id: 'claude-sonnet-5-5' });
    const next = await page.getNextPage();
    expect(next).toMatchObject({ has_more: false, first_id: 'claude-opus-5-5', last_id: 'claude-haiku-4-5-20251001' });
    expect(next.hasNextPage()).toBe(false);
    // Listing models is not a messages request: it neither shows in `requests` nor in usage.
    expect(api.requests).toEqual([]);
  });

  it('pages backwards with before_id, and answers an unknown cursor with an empty page', async () => {
    const back = await client.models.list({ before_id: 'claude-haiku-4-5-20251001', limit: 2 });
    expect(back.data.map((m) => m.id)).toEqual(['claude-sonnet-5-5', 'claude-opus-5-5']);
    expect(back).toMatchObject({ has_more: true, first_id: 'claude-sonnet-5-5' });
    const earlier = await back.getNextPage();
    expect(earlier.data.map((m) => m.id)).toEqual(['claude-fable-5-2']);
    expect(earlier.has_more).toBe(false);
    expect(api.modelsRequests.at(-1)?.query).toMatchObject({ before_id: 'claude-sonnet-5-5' });

    const unknown = await client.models.list({ after_id: 'claude-nope' });
    expect(unknown).toMatchObject({ data: [], has_more: false, first_id: null, last_id: null });
    const tooMany = (await rejection(client.models.list({ limit: 1001 }))) as InstanceType<typeof Anthropic.APIError>;
    expect(tooMany).toBeInstanceOf(Anthropic.BadRequestError);
    expect(tooMany.apiMessage).toBe('limit: Input should be less than or equal to 1000');
  });

  it('retrieves one model by id or alias, and 404s an unknown id', async () => {
    expect(await client.models.retrieve('claude-opus-5-5')).toMatchObject({ type: 'model', id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5' });
    expect((await client.models.retrieve('claude-haiku-4-5')).id).toBe('claude-haiku-4-5-20251001');
    const missing = (await rejection(client.models.retrieve('claude-sonnet-4-6'))) as InstanceType<typeof Anthropic.APIError>;
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing.error).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: 'model: claude-sonnet-4-6' } });
    expect(missing.requestID).toMatch(/^req_fake_models_\d+$/);
  });

  it('serves a configured model list and requires the API key like the messages endpoint', async () => {
    const custom = await startFakeAnthropicApi({ apiKey: API_KEY, models: [{ id: 'claude-test-1', display_name: 'Test', created_at: '2026-01-01T00:00:00Z' }] });
    try {
      const own = new Anthropic({ apiKey: API_KEY, baseURL: custom.url, maxRetries: 0 });
      expect((await own.models.list()).data).toEqual([{ type: 'model', id: 'claude-test-1', display_name: 'Test', created_at: '2026-01-01T00:00:00Z' }]);
      const wrongKey = new Anthropic({ apiKey: 'sk-wrong', baseURL: custom.url, maxRetries: 0 });
      expect(await rejection(wrongKey.models.list())).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(custom.modelsRequests.map((r) => r.status)).toEqual([200, 401]);
    } finally {
      await custom.close();
    }
    expect(DEFAULT_FAKE_MODELS.map((m) => m.id)).toContain('claude-sonnet-5-5');
  });

  it('fails the models endpoint as scripted (HTTP errors and dropped connections), then recovers', async () => {
    api.enqueueModelsFault({ status: 500 });
    api.enqueueModelsFault({ dropBeforeResponse: true });
    api.enqueueModelsFault({ status: 529, retryAfterMs: 5, shouldRetry: true });
    expect(await rejection(client.models.list())).toBeInstanceOf(Anthropic.InternalServerError);
    expect(await rejection(client.models.list())).toBeInstanceOf(Anthropic.APIConnectionError);
    const retrying = new Anthropic({ apiKey: API_KEY, baseURL: api.url, maxRetries: 1 });
    expect((await retrying.models.list()).data).toHaveLength(DEFAULT_FAKE_MODELS.length);
    expect(api.modelsRequests.map((r) => r.status)).toEqual([500, undefined, 529, 200]);
    // A models fault does not touch the messages queue.
    const message = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text' });
  });
});
