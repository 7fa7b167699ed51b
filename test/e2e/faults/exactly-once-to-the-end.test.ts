import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../../src/core/model/content-block.js';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/fake-slack-api.js';
import { startRedisOutageProxy, type RedisOutageProxy } from '../../helpers/redis-outage-proxy.js';
import { createRedisTestContext, type RedisTestContext } from '../../helpers/redis-test-prefix.js';
import { spawnCrewProcess, type CrewProcess } from '../../helpers/spawn-crew-process.js';
import { startCrewHarness } from '../crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botRepliesIn, crewProcessEnv, postEventTo, requestsAsking, settle, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';

// Issue 9, point 2: an answer that was fully delivered counts as done, whatever lands afterwards
// (the shutdown deadline, a crash, a Redis error): it is never re-run, re-posted or stored twice.

/** Bytes of the store's append script: the command that stores an exchange. */
const storeExchangeMarker = 'local prefixCount';
const answer = 'Keep one ledger row per refund and make the handler idempotent.';

let slack: FakeSlackApi;
let anthropic: FakeAnthropicApi;
let redis: RedisTestContext;
let proxy: RedisOutageProxy;
const processes: CrewProcess[] = [];

beforeAll(async () => {
  slack = await startFakeSlackApi();
  anthropic = await startFakeAnthropicApi();
});
afterEach(async () => {
  for (const crew of processes.splice(0)) {
    crew.kill('SIGKILL');
    await crew.exited;
  }
  await proxy?.close();
  await redis?.cleanup();
  slack.reset();
  anthropic.reset();
});
afterAll(async () => {
  await slack.close();
  await anthropic.close();
});

async function startCrewProcess(redisUrl?: string): Promise<CrewProcess> {
  const overrides = { TURN_LOCK_TTL_MS: '1500', ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
  const crew = await spawnCrewProcess({ env: crewProcessEnv({ slack, anthropic, redis }, overrides) });
  processes.push(crew);
  return crew;
}

/** Exactly one answer in Slack (never marked as cut off), one model request, one stored pair, nothing queued. */
async function expectAnsweredOnce(threadTs: string, question: string): Promise<void> {
  await settle(300);
  const replies = botRepliesIn(slack, 'C111', threadTs);
  expect(replies.map((reply) => reply.text)).toEqual([answer]);
  expect(requestsAsking(anthropic, question)).toHaveLength(1);
  const stored = await waitForStoredTurns(redis, { channelId: 'C111', threadTs }, 2);
  expect(stored.map((turn) => [turn.role, textOf(turn.content)])).toEqual([
    ['user', question],
    ['assistant', answer],
  ]);
  const pending = (await redis.listKeys()).filter((key) => key.includes(':pending:'));
  expect(pending).toEqual([]);
}

describe('exactly once to the end', () => {
  it('a turn the shutdown deadline aborts after the model finished is done: the next process does not answer it again', async () => {
    redis = await createRedisTestContext('once-end');
    // A short lock lifetime: a job left queued would be re-run by the next process within seconds.
    const first = await startCrewHarness({ env: { LOG_LEVEL: 'info', TURN_LOCK_TTL_MS: '1500' }, shared: { slack, anthropic, redis } });
    anthropic.enqueueReply({ text: answer });
    // The model is done; closing the answer in Slack takes longer than the shutdown deadline.
    slack.failNext('chat.stopStream', { delayMs: 1200 });
    const question = 'how do we make refunds safe at shutdown?';
    const event = buildMentionEvent({ text: question });
    expect((await first.postEvent(event)).status).toBe(200);
    // The answer is on screen and the model is done; chat.stopStream is still in flight.
    await slack.waitFor(() => botRepliesIn(slack, 'C111', event.event.ts).find((reply) => reply.text === answer));
    await first.stopCrew(100);
    expect(first.logs.some((line) => line.msg === 'turn answered')).toBe(true);

    const second = await first.restart();
    // Long enough for the lock to expire and a queued job to be taken up again (it is not: it is done).
    await settle(4000);
    // The job was removed when its runner finished: the next process never even starts it.
    expect(second.logs.filter((line) => line.msg === 'turn started')).toEqual([]);
    await second.close();
    await expectAnsweredOnce(event.event.ts, question);
  });

  it('kill -9 between storing the exchange and finishing the job: the next process finds it answered and only finishes the job', async () => {
    redis = await createRedisTestContext('once-kill');
    proxy = await startRedisOutageProxy();
    anthropic.enqueueReply({ text: answer });
    const first = await startCrewProcess(proxy.url);
    const question = 'how do we make refunds safe after a crash?';
    const event = buildMentionEvent({ text: question });
    const stored = proxy.freezeAfter(storeExchangeMarker);
    expect((await postEventTo(first.origin, slack, event)).status).toBe(200);
    await stored; // the exchange is in Redis; nothing after it reaches Redis
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startCrewProcess();
    const skipped = await second.waitForLog((line) => line.msg === 'turn already answered; not answering again', 20_000);
    expect(skipped.attempt).toBe(2);
    await expectAnsweredOnce(event.event.ts, question);
  }, 60_000);

  it('kill -9 after the answer finished in Slack but before it was stored: the next process keeps what Slack shows and answers nothing', async () => {
    redis = await createRedisTestContext('once-delivered');
    proxy = await startRedisOutageProxy();
    anthropic.enqueueReply({ text: answer });
    const first = await startCrewProcess(proxy.url);
    const question = 'how do we make refunds safe when the store is lost?';
    const event = buildMentionEvent({ text: question });
    // Closing the answer takes a moment: Redis is frozen meanwhile, so storing it never lands.
    slack.failNext('chat.stopStream', { delayMs: 1_000 });
    expect((await postEventTo(first.origin, slack, event)).status).toBe(200);
    // The answer's message exists and its ts is saved in the job (a moment after chat.startStream).
    await slack.waitFor(() => slack.calls.find((call) => call.method === 'chat.startStream'));
    await settle(300);
    proxy.freeze();
    const finished = await waitForFinishedReplies(slack, 'C111', event.event.ts);
    expect(finished.map((reply) => reply.text)).toEqual([answer]);
    await settle(200); // the store is sent and held
    first.kill('SIGKILL');
    await first.exited;

    const second = await startCrewProcess();
    const kept = await second.waitForLog((line) => line.msg === 'turn was delivered before a restart; stored what Slack shows, not answering again', 20_000);
    expect(kept.attempt).toBe(2);
    // One answer in Slack (no "cut off" note, no second answer), one model request, one stored exchange.
    await expectAnsweredOnce(event.event.ts, question);
    const stored = await waitForStoredTurns(redis, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => turn.status)).toEqual([undefined, 'complete']);
  }, 60_000);

  it('kill -9 between claiming a delivery and queueing it: the retry is asked to come back, then taken once the claim lapses', async () => {
    redis = await createRedisTestContext('once-claim');
    proxy = await startRedisOutageProxy();
    const first = await startCrewProcess(proxy.url);
    const second = await startCrewProcess();
    const question = 'how do we make refunds safe when a replica dies mid-delivery?';
    const event = buildMentionEvent({ text: question });
    // The claim reaches Redis; nothing after it does (the question is never queued).
    const claimed = proxy.freezeAfter("held == 'p'");
    const delivery = postEventTo(first.origin, slack, event).catch(() => undefined);
    await claimed;
    first.kill('SIGKILL');
    await first.exited;
    await delivery;

    // Slack's immediate retry lands on the live replica: the claim is pending, so not a 200.
    const early = await postEventTo(second.origin, slack, event, { retryNum: 1 });
    expect(early.status).not.toBe(200);
    await second.waitForLog((line) => line.msg === 'same delivery in flight elsewhere; Slack will deliver it again');
    expect(botRepliesIn(slack, 'C111', event.event.ts)).toEqual([]);
    // Slack's next retry comes a minute later; the dead replica's claim lapsed after 15 s.
    await settle(15_500);
    anthropic.enqueueReply({ text: answer });
    expect((await postEventTo(second.origin, slack, event, { retryNum: 2 })).status).toBe(200);
    await waitForFinishedReplies(slack, 'C111', event.event.ts);
    await expectAnsweredOnce(event.event.ts, question);
  }, 60_000);

  it('kill -9 after Slack created the answer\'s message but before its ts was recorded: the re-run finds it, marks it cut off and answers in full', async () => {
    redis = await createRedisTestContext('once-unrecorded');
    proxy = await startRedisOutageProxy();
    const longAnswer = 'Refunds are their own aggregate, linked to the payment they reverse. '.repeat(6).trim();
    anthropic.enqueueReply({ text: longAnswer, tokensPerSecond: 30 });
    const first = await startCrewProcess(proxy.url);
    const question = 'how do we make refunds safe when the message outlives its record?';
    const event = buildMentionEvent({ text: question });
    // Slack takes a moment to open the stream; Redis freezes meanwhile, so the ts is never saved.
    slack.failNext('chat.startStream', { delayMs: 800 });
    expect((await postEventTo(first.origin, slack, event)).status).toBe(200);
    await anthropic.waitForRequests(1);
    proxy.freeze();
    const partial = await slack.waitFor(() => botRepliesIn(slack, 'C111', event.event.ts).find((reply) => reply.isStreaming && reply.text !== ''));
    first.kill('SIGKILL');
    await first.exited;

    anthropic.enqueueReply({ text: answer });
    const second = await startCrewProcess();
    await second.waitForLog((line) => line.msg === 'marked a half-written answer whose ts was never recorded', 20_000);
    const replies = await waitForFinishedReplies(slack, 'C111', event.event.ts, 2, 15_000);
    expect(replies[0]?.ts).toBe(partial.ts);
    expect(replies[0]?.text).toContain('cut off by a restart');
    expect(replies[1]?.text).toBe(answer);
    const stored = await waitForStoredTurns(redis, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => [turn.role, textOf(turn.content)])).toEqual([
      ['user', question],
      ['assistant', answer],
    ]);
  }, 60_000);

  it('a Redis error after the exchange was stored: the job is finished later without answering again', async () => {
    redis = await createRedisTestContext('once-redis');
    proxy = await startRedisOutageProxy();
    anthropic.enqueueReply({ text: answer });
    const crew = await startCrewProcess(proxy.url);
    const question = 'how do we make refunds safe when Redis blips?';
    const event = buildMentionEvent({ text: question });
    const stored = proxy.freezeAfter(storeExchangeMarker);
    expect((await postEventTo(crew.origin, slack, event)).status).toBe(200);
    await stored;
    // Redis goes away right after the store, for longer than the lock lives: what follows the
    // store (counting the spend, finishing the job) fails, and the lock expires.
    await proxy.stop();
    await settle(2500);
    await proxy.start();

    await crew.waitForLog((line) => line.msg === 'turn already answered; not answering again', 20_000);
    await waitForFinishedReplies(slack, 'C111', event.event.ts);
    await expectAnsweredOnce(event.event.ts, question);
  }, 60_000);
});
