import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../../src/adapters/redis/create-redis-client.js';
import { createRedisConversationStore } from '../../../src/adapters/redis/redis-conversation-store.js';
import { formatRedisTurnQueueKeys } from '../../../src/adapters/redis/redis-turn-queue-keys.js';
import { textOf } from '../../../src/core/model/content-block.js';
import { parseRedisNodes } from '../../../src/config/redis-target.js';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/fake-slack-api.js';
import { waitFor } from '../../fakes/wait-for.js';
import { startCrewFleet, type CrewFleet } from '../../helpers/crew-fleet.js';
import { findUnboundedKeys } from '../../helpers/find-unbounded-keys.js';
import { listClusterKeys } from '../../helpers/list-cluster-keys.js';
import { failOverPrimaryOf, waitUntilReplica } from '../../redis-cluster/fail-over-primary.js';
import { startRedisCluster, waitForClusterReady, type RedisClusterProcesses } from '../../redis-cluster/start-redis-cluster.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botRepliesIn, crewProcessEnv, messageTextsOf, testSigningSecret } from '../faults/fault-test-helpers.js';
import { planFleetQuestions, type FleetThread } from './plan-fleet-questions.js';

// Issue 13, point 4: three replicas on a Redis Cluster take 1,000 threads asked in a burst (some
// threads hold three questions) while one replica is `kill -9`ed and one primary fails over.
// Every question is answered exactly once, each thread's answers in order, nothing stays queued,
// and no key is left without an expiry or a length bound. This file starts a cluster of its own,
// so the failover never disturbs the other files' tests.

const THREADS = 1_000;
const REPLICAS = 3;
/** Posts in flight at once, like a burst from a large workspace. */
const SENDERS = 48;
const cutOffMarker = 'cut off by a restart';

/** What the fake model answers to a question: derived from it, so a misplaced answer shows. */
const answerTo = (question: string) => `Answer to «${question}»: shard by tenant and keep writes idempotent.`;

let cluster: RedisClusterProcesses;
let slack: FakeSlackApi;
let anthropic: FakeAnthropicApi;
let redis: Cluster;
let fleet: CrewFleet | undefined;
const prefix = `crew-test:${randomUUID()}:`;

beforeAll(async () => {
  cluster = await startRedisCluster();
  slack = await startFakeSlackApi();
  anthropic = await startFakeAnthropicApi({
    // ~24 tokens at 150 tokens/s: each answer streams for about 150 ms, so a kill finds some mid-answer.
    defaultReply: (body) => ({ text: answerTo(messageTextsOf({ body }).at(-1) ?? ''), tokensPerSecond: 150 }),
  });
  redis = createRedisClient({ mode: 'redis-cluster', nodes: parseRedisNodes(cluster.nodes).addresses, tls: false }, { connectionName: 'crew-fleet-soak' }) as Cluster;
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await redis?.quit().catch(() => redis.disconnect());
  await slack?.close();
  await anthropic?.close();
  await cluster?.stop();
});

/**
 * The bot's messages in a thread, sorted: finished answers; half-answers the re-run marked cut off;
 * and anything still streaming (an abandoned message nobody closed — must not exist).
 */
function answersIn(thread: FleetThread) {
  const replies = botRepliesIn(slack, thread.channel, thread.rootTs);
  const cutOff = replies.filter((reply) => reply.text.includes(cutOffMarker));
  const complete = replies.filter((reply) => !reply.text.includes(cutOffMarker) && !reply.isStreaming);
  const streaming = replies.filter((reply) => !reply.text.includes(cutOffMarker) && reply.isStreaming);
  return { complete, cutOff, streaming };
}

function answeredCount(threads: FleetThread[]): number {
  return threads.reduce((sum, thread) => sum + Math.min(answersIn(thread).complete.length, thread.questions.length), 0);
}

/** Sends every thread's questions: threads side by side, a thread's questions one after another (each acknowledged before the next). */
async function askAll(threads: FleetThread[], deliver: (body: unknown) => Promise<number>): Promise<number> {
  let nextThread = 0;
  let retried = 0;
  const sender = async () => {
    while (nextThread < threads.length) {
      const thread = threads[nextThread] as FleetThread;
      nextThread += 1;
      for (const [index, question] of thread.questions.entries()) {
        const event = buildMentionEvent({
          text: question,
          channel: thread.channel,
          user: thread.user,
          ts: thread.questionTs[index],
          ...(index === 0 ? {} : { threadTs: thread.rootTs }),
        });
        slack.ingestEvent(event);
        retried += (await deliver(event)) > 0 ? 1 : 0;
      }
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return retried;
}

describe('a fleet of three replicas on a Redis Cluster, soaked', () => {
  it('answers 1,000 threads exactly once and in order through a kill -9 and a primary failover, leaving nothing queued and no unbounded key', async () => {
    fleet = await startCrewFleet({
      size: REPLICAS,
      signingSecret: testSigningSecret,
      // Slack's retries (at once, after 1 and 5 minutes) compressed; the second comes after the
      // 15 s a claim lasts until its question is queued, as Slack's does after a crash.
      retryDelaysMs: [100, 16_000, 32_000],
      env: () => {
        const env = crewProcessEnv({ slack, anthropic, redis: { prefix } }, {
          REDIS_CLUSTER_NODES: cluster.nodes.join(','),
          // Production's flush interval and model deadlines; a short lock so the killed replica's
          // turns resume within seconds. 32 turns at once per replica: three replicas share two
          // cores with the cluster and the fakes here, so the durable queue holds the rest of the burst.
          STREAM_FLUSH_INTERVAL_MS: '800',
          TURN_LOCK_TTL_MS: '3000',
          TURN_CONCURRENCY: '32',
          LOG_LEVEL: 'info',
        });
        delete env.REDIS_URL;
        delete env.MODEL_RETRY_BUDGET_MS;
        return env;
      },
    });
    const threads = planFleetQuestions(THREADS);
    const questionCount = threads.reduce((sum, thread) => sum + thread.questions.length, 0);
    const nodePorts = parseRedisNodes(cluster.nodes).addresses.map((node) => node.port);

    const asking = askAll(threads, (body) => (fleet as CrewFleet).deliver(body));
    // One replica dies mid-run: once a fifth of the answers are out, while it holds turns in flight.
    await waitFor(() => answeredCount(threads) >= questionCount / 5, { timeoutMs: 120_000, intervalMs: 1_000, describe: () => 'a fifth answered' });
    const victim = fleet.members[1]!;
    const victimStarted = victim.logs.filter((line) => line.msg === 'turn started').length;
    await fleet.kill(1);
    // A primary fails over once half are out: the one serving the first queue shard.
    await waitFor(() => answeredCount(threads) >= questionCount / 2, { timeoutMs: 120_000, intervalMs: 1_000, describe: () => 'half answered' });
    const shardKey = formatRedisTurnQueueKeys(prefix).shards[0]!.streamKey;
    const failover = await failOverPrimaryOf(redis, shardKey, nodePorts);
    const answeredAtFailover = answeredCount(threads);
    const retried = await asking;
    await waitForClusterReady(nodePorts);

    await waitFor(() => threads.every((thread) => answersIn(thread).complete.length >= thread.questions.length), {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      describe: () => `every question answered${describeUnanswered(threads, fleet as CrewFleet)}`,
    });
    // Give a duplicate (a re-run after a lost step) the time to show up.
    await sleep(2_000);

    // The run really crossed both faults.
    expect(victimStarted).toBeGreaterThan(0);
    expect(answeredAtFailover).toBeLessThan(questionCount);
    const survivors = fleet.members.filter((member) => member !== victim);
    const resumed = survivors.flatMap((member) => member.logs.filter((line) => line.msg === 'turn started' && Number(line.attempt) > 1));
    expect(resumed.length).toBeGreaterThan(0);
    await waitUntilReplica(failover.formerPrimary.port);

    // Every question answered exactly once, in order, and stored as one exchange.
    const store = createRedisConversationStore({ redis, keyPrefix: prefix });
    for (const thread of threads) {
      const { complete, cutOff, streaming } = answersIn(thread);
      const answers = thread.questions.map(answerTo);
      expect(complete.map((reply) => reply.text), `thread ${thread.rootTs}: ${describeThread(thread, fleet)}`).toEqual(answers);
      // A half-answer the kill interrupted stays, marked, with its complete answer below it.
      for (const reply of cutOff) expect(reply.isStreaming).toBe(false);
      // A message the killed replica started is marked, even when it died before recording its ts.
      expect(streaming.map((reply) => reply.text), `thread ${thread.rootTs}: ${describeThread(thread, fleet)}`).toEqual([]);
      const state = await store.getThread({ teamId: 'T111', channelId: thread.channel, threadTs: thread.rootTs });
      expect(state?.turns.map((turn) => textOf(turn.content)), `stored thread ${thread.rootTs}`).toEqual(
        thread.questions.flatMap((question) => [question, answerTo(question)]),
      );
    }
    // Each question reached the model once, or twice when the killed replica had it in flight.
    const asked = new Map<string, number>();
    for (const request of anthropic.requests) {
      const question = messageTextsOf(request).at(-1) ?? '';
      asked.set(question, (asked.get(question) ?? 0) + 1);
    }
    expect(asked.size).toBe(questionCount);
    expect(Math.max(...asked.values())).toBeLessThanOrEqual(2);

    // Nothing left queued: no job list, no lock, every shard's count at zero.
    const queueKeys = formatRedisTurnQueueKeys(prefix);
    for (const shard of queueKeys.shards) expect(Number((await redis.get(shard.waitingKey)) ?? 0)).toBe(0);
    const leftovers = (await listClusterKeys(redis, prefix)).filter((key) => key.includes('pending:') || key.includes('lock:'));
    expect(leftovers).toEqual([]);
    expect(await findUnboundedKeys(redis, prefix)).toEqual([]);
    const cutOff = threads.reduce((sum, thread) => sum + answersIn(thread).cutOff.length, 0);
    console.info(`fleet soak: ${questionCount} questions in ${THREADS} threads; ${retried} events redelivered; ${resumed.length} turns resumed after the kill; ${cutOff} half-answers marked cut off; ${anthropic.requests.length} model requests`);
  }, 420_000);
});

/** One thread as the fakes and the fleet's logs saw it (for a failure message). */
function describeThread(thread: FleetThread, crewFleet: CrewFleet): string {
  const replies = botRepliesIn(slack, thread.channel, thread.rootTs).map((reply) => `${reply.isStreaming ? '[streaming] ' : ''}${reply.ts} ${reply.text.slice(0, 100)}`);
  const logs = crewFleet.members.flatMap((member, index) =>
    member.logs.filter((line) => line.thread === thread.rootTs).map((line) => `${index} ${String(line.time)} ${String(line.msg)} attempt ${String(line.attempt ?? '')} ${String(line.messageTs ?? '')}`),
  );
  return JSON.stringify({ replies, logs }, null, 1);
}

/** What a stuck run looks like: the first unanswered threads' replies and the fleet's warnings. */
function describeUnanswered(threads: FleetThread[], crewFleet: CrewFleet): string {
  const stuck = threads.filter((thread) => answersIn(thread).complete.length < thread.questions.length);
  const sample = stuck.slice(0, 5).map((thread) => ({
    thread: `${thread.channel}/${thread.rootTs}`,
    asked: thread.questions.length,
    replies: botRepliesIn(slack, thread.channel, thread.rootTs).map((reply) => `${reply.isStreaming ? '[streaming] ' : ''}${reply.ts} ${reply.text.slice(0, 120)}`),
    logs: crewFleet.members.flatMap((member, index) =>
      member.logs.filter((line) => line.thread === thread.rootTs).map((line) => `${index} ${String(line.time)} ${String(line.msg)} ${JSON.stringify({ ...line, time: undefined, msg: undefined, service: undefined, team: undefined, channel: undefined, thread: undefined, agent: undefined }).slice(0, 300)}`),
    ),
    slackCalls: slack.calls.filter((call) => call.args.channel === thread.channel && (call.args.thread_ts === thread.rootTs || String(call.args.ts ?? '') > thread.rootTs)).map((call) => `${call.method} ${String(call.args.ts ?? '')} ${new Date(call.at).toISOString()} ${JSON.stringify(call.response).slice(0, 80)}`).slice(0, 20),
  }));
  const warnings = crewFleet.members.flatMap((member, index) =>
    member.logs.filter((line) => Number(line.level) >= 40 || line.level === 'warn' || line.level === 'error').slice(0, 8).map((line) => ({ member: index, ...line })),
  );
  return `: ${stuck.length} of ${threads.length} threads unanswered\n${JSON.stringify(sample, null, 1)}\nwarnings: ${JSON.stringify(warnings).slice(0, 6000)}`;
}
