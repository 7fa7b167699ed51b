import { textOf } from '../../../src/core/model/content-block.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/fake-slack-api.js';
import { createRedisTestContext, type RedisTestContext } from '../../helpers/redis-test-prefix.js';
import { spawnCrewProcess, type CrewProcess } from '../../helpers/spawn-crew-process.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botRepliesIn, crewProcessEnv, postEventTo, requestsAsking, storedTurns, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';
import { turnQueueKeysOf } from '../../helpers/turn-queue-keys.js';

// Issue 3, point 4: on SIGTERM the bot stops taking new work, finishes answers in flight up to
// SHUTDOWN_DEADLINE_MS, leaves the rest queued (marked as interrupted) for the next process,
// closes Redis and exits 0. The bot runs as real child processes here.

let slack: FakeSlackApi;
let anthropic: FakeAnthropicApi;
let redis: RedisTestContext;
const processes: CrewProcess[] = [];

beforeAll(async () => {
  slack = await startFakeSlackApi();
  anthropic = await startFakeAnthropicApi();
  redis = await createRedisTestContext('shutdown');
});
beforeEach(() => {
  slack.reset();
  anthropic.reset();
});
afterEach(async () => {
  for (const crew of processes.splice(0)) {
    crew.kill('SIGKILL');
    await crew.exited;
  }
});
afterAll(async () => {
  await slack.close();
  await anthropic.close();
  await redis.cleanup();
});

async function startCrewProcess(shutdownDeadlineMs: number): Promise<CrewProcess> {
  const env = crewProcessEnv({ slack, anthropic, redis }, { SHUTDOWN_DEADLINE_MS: String(shutdownDeadlineMs), TURN_LOCK_TTL_MS: '3000' });
  const crew = await spawnCrewProcess({ env });
  processes.push(crew);
  return crew;
}

describe('graceful shutdown on SIGTERM', () => {
  it('finishes the answer in flight, refuses new work while draining, closes Redis and exits 0', async () => {
    const answer = 'Put the read model behind a projection that you can rebuild from the event log at any time.';
    anthropic.enqueueReply({ text: answer, tokensPerSecond: 10 });
    const crew = await startCrewProcess(10_000);
    const event = buildMentionEvent({ text: 'how do we keep read models fresh?' });
    expect((await postEventTo(crew.origin, slack, event)).status).toBe(200);
    await slack.waitFor(() => botRepliesIn(slack, 'C111', event.event.ts).some((message) => message.isStreaming && message.text !== ''), { timeoutMs: 20_000 });

    crew.kill('SIGTERM');
    await crew.waitForLog((line) => line.msg === 'shutting down: finishing answers in flight');
    // Draining: not ready, and new events are turned away so Slack redelivers them elsewhere.
    const readiness = await fetch(`${crew.origin}/readyz`);
    expect(readiness.status).toBe(503);
    expect(JSON.stringify(await readiness.json())).toContain('draining');
    const lateQuestion = buildMentionEvent({ text: 'one more thing?', channel: 'C222' });
    expect((await postEventTo(crew.origin, slack, lateQuestion)).status).toBe(503);

    const exit = await crew.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const [reply] = botRepliesIn(slack, 'C111', event.event.ts);
    expect(reply?.text).toBe(answer);
    expect(reply?.isStreaming).toBe(false);
    // `shutdown complete` is logged once the queue stopped and the Redis connections were closed.
    const messages = crew.logs.map((line) => line.msg);
    expect(messages.indexOf('shutdown complete')).toBeGreaterThan(messages.indexOf('turn answered'));
    expect(messages.at(-1)).toBe('exiting');
    expect(crew.logs.filter((line) => line.level === 'error')).toEqual([]);
    const stored = await waitForStoredTurns(redis, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => [turn.role, textOf(turn.content), turn.status])).toEqual([
      ['user', 'how do we keep read models fresh?', undefined],
      ['assistant', answer, 'complete'],
    ]);

    // Slack redelivers the turned-away event; the next process answers it.
    anthropic.enqueueReply({ text: 'Sure, ask away.' });
    const next = await startCrewProcess(10_000);
    expect((await postEventTo(next.origin, slack, lateQuestion, { retryNum: 1 })).status).toBe(200);
    const [late] = await waitForFinishedReplies(slack, 'C222', lateQuestion.event.ts, 1, 20_000);
    expect(late?.text).toBe('Sure, ask away.');
    next.kill('SIGTERM');
    expect(await next.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('interrupts an answer longer than the deadline, marks it, leaves it queued, and the next process answers it', async () => {
    const longAnswer = 'Sharding by tenant keeps hot tenants isolated, but plan for rebalancing early. '.repeat(8).trim();
    const fullAnswer = 'Shard by tenant id with a directory service, and rebalance with dual writes.';
    anthropic.enqueueReply({ text: longAnswer, tokensPerSecond: 20 });
    anthropic.enqueueReply({ text: fullAnswer });
    const crew = await startCrewProcess(800);
    const event = buildMentionEvent({ text: 'how should we shard tenants?' });
    expect((await postEventTo(crew.origin, slack, event)).status).toBe(200);
    await slack.waitFor(() => botRepliesIn(slack, 'C111', event.event.ts).some((message) => message.isStreaming && message.text !== ''), { timeoutMs: 20_000 });

    crew.kill('SIGTERM');
    expect(await crew.exited).toEqual({ code: 0, signal: null });
    // The cut-off message says so and is closed; the job waits in Redis.
    const [interrupted] = botRepliesIn(slack, 'C111', event.event.ts);
    expect(interrupted?.isStreaming).toBe(false);
    expect(interrupted?.text).toContain('Interrupted by a restart');
    expect(longAnswer.startsWith(interrupted!.text.split('\n\n⚠️')[0]!)).toBe(true);
    const pendingKey = turnQueueKeysOf(redis.prefix).listKey(event.event.ts, 'T111', 'C111');
    expect(await redis.redis.llen(pendingKey)).toBe(1);
    expect(await storedTurns(redis, { channelId: 'C111', threadTs: event.event.ts })).toEqual([]);

    const next = await startCrewProcess(10_000);
    const replies = await waitForFinishedReplies(slack, 'C111', event.event.ts, 2, 30_000);
    expect(replies.map((message) => message.text)).toEqual([interrupted?.text, fullAnswer]);
    const rerun = await next.waitForLog((line) => line.msg === 'turn answered');
    expect(rerun.attempt).toBe(2);
    expect(requestsAsking(anthropic, 'how should we shard tenants?')).toHaveLength(2);
    const stored = await waitForStoredTurns(redis, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => [turn.role, textOf(turn.content), turn.status])).toEqual([
      ['user', 'how should we shard tenants?', undefined],
      ['assistant', fullAnswer, 'complete'],
    ]);
  }, 120_000);
});
