import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../e2e/crew-harness.js';
import { buildMentionEvent } from '../e2e/slack-event-builders.js';
import { startFakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { startFakeSlackApi } from '../fakes/fake-slack-api.js';
import { createRedisTestContext, type RedisTestContext } from '../helpers/redis-test-prefix.js';
import { scrapeMetrics, scrapeUntil, type MetricsScrape } from './scrape-metrics.js';

let harness: CrewHarness;
let redis: RedisTestContext;

beforeAll(async () => {
  // A low cache minimum so the agent's system prompt is cached: cache read/write tokens move.
  const anthropic = await startFakeAnthropicApi({ minCacheableTokens: 256 });
  const slack = await startFakeSlackApi();
  redis = await createRedisTestContext('ops-metrics');
  harness = await startCrewHarness({ shared: { slack, anthropic, redis } });
});
afterAll(async () => {
  await harness.close();
  await harness.slack.close();
  await harness.anthropic.close();
  await redis.cleanup();
});
beforeEach(() => {
  harness.slack.reset();
});

async function askAndWait(text: string, threadTs?: string): Promise<string> {
  const event = buildMentionEvent({ text, ...(threadTs ? { threadTs } : {}) });
  expect((await harness.postEvent(event)).status).toBe(200);
  const thread = threadTs ?? event.event.ts;
  await harness.slack.waitFor(() =>
    harness.slack.messagesIn('C111', thread).some((message) => message.isBot && message.ts !== thread && !message.isStreaming),
  );
  return thread;
}

/** Waits until the turn's counters are in (the answer is visible slightly before they are). */
function turnsCounted(expected: number) {
  return (scrape: MetricsScrape) => scrape.value('crew_turns_total') >= expected;
}

const agent = 'backend-architect';

describe('GET /metrics', () => {
  it('exports every metric the runbook describes, with its type', async () => {
    const scrape = await scrapeMetrics(harness.crew.port);
    const expected: Record<string, string> = {
      crew_event_ack_seconds: 'histogram',
      crew_model_first_token_seconds: 'histogram',
      crew_first_visible_text_seconds: 'histogram',
      crew_turn_duration_seconds: 'histogram',
      crew_turns_total: 'counter',
      crew_tokens_total: 'counter',
      crew_slack_api_errors_total: 'counter',
      crew_model_errors_total: 'counter',
      crew_model_attempts_total: 'counter',
      crew_questions_refused_total: 'counter',
      crew_budget_refusals_total: 'counter',
      crew_consults_total: 'counter',
      crew_feedback_total: 'counter',
      crew_feedback_changes_total: 'counter',
      crew_turns_in_flight: 'gauge',
      crew_turns_queued: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect({ name, type: scrape.typeOf(name) }).toEqual({ name, type });
    expect(scrape.typeOf('crew_process_cpu_user_seconds_total')).toBe('counter');
  });

  it('moves the latency histograms, turn, token, Slack-error and model-error counters during real turns', async () => {
    const before = await scrapeMetrics(harness.crew.port);
    // Slack refuses the thinking status once; the model is overloaded (529) once, then answers.
    harness.slack.failNext('assistant.threads.setStatus', { error: 'missing_scope' });
    harness.anthropic.enqueueReply({ fault: { status: 529, retryAfterMs: 20 } });
    harness.anthropic.enqueueReply({ text: 'Use an outbox table for events.' });
    await askAndWait('how do we publish events reliably?');
    // A second turn reads the cached system prompt.
    harness.anthropic.enqueueReply({ text: 'Partition by tenant.' });
    await askAndWait('how do we shard?');
    const after = await scrapeUntil(harness.crew.port, turnsCounted(before.value('crew_turns_total') + 2));

    const moved = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved('crew_event_ack_seconds_count', { kind: 'app_mention' })).toBe(2);
    expect(moved('crew_model_first_token_seconds_count', { agent })).toBe(2);
    expect(moved('crew_first_visible_text_seconds_count', { agent })).toBe(2);
    expect(moved('crew_turn_duration_seconds_count', { agent, outcome: 'answered' })).toBe(2);
    expect(moved('crew_turns_total', { agent, outcome: 'answered' })).toBe(2);
    // The whole prompt sits under cache breakpoints, so uncached `input` stays 0 here (see Socket Mode).
    for (const kind of ['output', 'cache_read', 'cache_write']) {
      expect({ kind, moved: moved('crew_tokens_total', { agent, kind }) > 0 }).toEqual({ kind, moved: true });
    }
    expect(moved('crew_slack_api_errors_total', { method: 'assistant.threads.setStatus', code: 'missing_scope' })).toBe(1);
    expect(moved('crew_model_errors_total', { type: 'overloaded' })).toBe(1);
    expect(moved('crew_model_attempts_total', { agent })).toBe(3);
  });

  it('counts a turn the model refuses as failed, by error type', async () => {
    const before = await scrapeMetrics(harness.crew.port);
    harness.anthropic.enqueueReply({ fault: { status: 400, message: 'prompt is too long' } });
    await askAndWait('a question the model rejects');
    const after = await scrapeUntil(harness.crew.port, turnsCounted(before.value('crew_turns_total') + 1));
    expect(after.value('crew_turns_total', { agent, outcome: 'failed' }) - before.value('crew_turns_total', { agent, outcome: 'failed' })).toBe(1);
    expect(after.value('crew_model_errors_total', { type: 'request_too_large' }) - before.value('crew_model_errors_total', { type: 'request_too_large' })).toBe(1);
  });

  it('shows turns in flight and queued while a turn runs and a follow-up waits, and both back at 0 after', async () => {
    const idle = await scrapeMetrics(harness.crew.port);
    expect(idle.value('crew_turns_in_flight')).toBe(0);
    expect(idle.value('crew_turns_queued')).toBe(0);

    harness.anthropic.enqueueReply({ text: 'First, slowly.', firstTokenDelayMs: 1500 });
    harness.anthropic.enqueueReply({ text: 'Then the follow-up.' });
    const first = buildMentionEvent({ text: 'a slow question' });
    await harness.postEvent(first);
    await scrapeUntil(harness.crew.port, (scrape) => scrape.value('crew_turns_in_flight') === 1);
    await harness.postEvent(buildMentionEvent({ text: 'and a follow-up', threadTs: first.event.ts }));
    const busy = await scrapeUntil(harness.crew.port, (scrape) => scrape.value('crew_turns_queued') === 1);
    expect(busy.value('crew_turns_in_flight')).toBe(1);

    await harness.slack.waitFor(
      () => harness.slack.messagesIn('C111', first.event.ts).filter((message) => message.isBot && !message.isStreaming).length === 2,
    );
    await scrapeUntil(harness.crew.port, (scrape) => scrape.value('crew_turns_in_flight') === 0 && scrape.value('crew_turns_queued') === 0);
  });
});

describe('GET /metrics in Socket Mode', () => {
  it('is served on PORT and moves with answered and refused questions (uncached input tokens too)', async () => {
    // Nothing is cacheable for this fake, so every prompt token counts as uncached input.
    const anthropic = await startFakeAnthropicApi({ minCacheableTokens: 1_000_000 });
    const slack = await startFakeSlackApi();
    const socket = await startCrewHarness({ mode: 'socket', redis: false, shared: { slack, anthropic }, env: { ALLOWED_CHANNEL_IDS: 'C111' } });
    try {
      const before = await scrapeMetrics(socket.crew.port);
      socket.anthropic.enqueueReply({ text: 'Use a queue.' });
      const event = buildMentionEvent({ text: 'how to absorb spikes?' });
      await socket.postEvent(event);
      await socket.slack.waitFor(() => socket.slack.messagesIn('C111', event.event.ts).some((message) => message.isBot && !message.isStreaming));
      const after = await scrapeUntil(socket.crew.port, turnsCounted(before.value('crew_turns_total') + 1));
      expect(after.value('crew_turns_total', { agent, outcome: 'answered' })).toBe(1);
      expect(after.value('crew_event_ack_seconds_count', { kind: 'app_mention' })).toBe(1);
      expect(after.value('crew_tokens_total', { agent, kind: 'input' })).toBeGreaterThan(1000);
      expect(after.value('crew_tokens_total', { agent, kind: 'output' })).toBeGreaterThan(0);

      // A channel the crew is not enabled in: refused before the model.
      await socket.postEvent(buildMentionEvent({ text: 'and here?', channel: 'C999' }));
      const refused = await scrapeUntil(socket.crew.port, (scrape) => scrape.value('crew_turns_total', { outcome: 'refused' }) === 1);
      expect(refused.value('crew_turns_total', { agent, outcome: 'refused' })).toBe(1);
      expect(refused.value('crew_questions_refused_total', { reason: 'channel_not_allowed' })).toBe(1);
      expect((await fetch(`http://127.0.0.1:${socket.crew.port}/healthz`)).status).toBe(200);
    } finally {
      await socket.close();
      await slack.close();
      await anthropic.close();
    }
  });
});
