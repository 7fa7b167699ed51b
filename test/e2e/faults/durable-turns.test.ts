import { textOf } from '../../../src/core/model/content-block.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../fakes/fake-slack-api.js';
import { createRedisTestContext, type RedisTestContext } from '../../helpers/redis-test-prefix.js';
import { spawnCrewProcess, type CrewProcess } from '../../helpers/spawn-crew-process.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { botRepliesIn, crewProcessEnv, postEventTo, requestsAsking, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';

// Issue 3, point 3: a question acknowledged to Slack is answered even when the process is
// killed mid-answer (kill -9). The bot runs as real child processes here.

let slack: FakeSlackApi;
let anthropic: FakeAnthropicApi;
let redis: RedisTestContext;
const processes: CrewProcess[] = [];

beforeAll(async () => {
  slack = await startFakeSlackApi();
  anthropic = await startFakeAnthropicApi();
  redis = await createRedisTestContext('durable');
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

async function startCrewProcess(): Promise<CrewProcess> {
  // A short lock lifetime so a killed holder frees the thread within seconds.
  const crew = await spawnCrewProcess({ env: crewProcessEnv({ slack, anthropic, redis }, { TURN_LOCK_TTL_MS: '1500' }) });
  processes.push(crew);
  return crew;
}

describe('durable turns across kill -9', () => {
  it('answers completely from the next process, marks the abandoned half-answer, and stores exactly one Q/A pair', async () => {
    const slowAnswer = 'Start from the invariants: a refund never exceeds its payment, and every refund is idempotent. '.repeat(5).trim();
    const fullAnswer = 'Model a refund as its own aggregate with an idempotency key; never exceed the captured amount.';
    anthropic.enqueueReply({ text: slowAnswer, tokensPerSecond: 25 });
    anthropic.enqueueReply({ text: fullAnswer });

    const first = await startCrewProcess();
    const event = buildMentionEvent({ text: 'how do we make refunds safe?' });
    expect((await postEventTo(first.origin, slack, event)).status).toBe(200);
    // Slack got its 200: from here on the question must not be lost.
    const partial = await slack.waitFor(() => botRepliesIn(slack, 'C111', event.event.ts).find((message) => message.isStreaming && message.text.length > 20), { timeoutMs: 20_000 });

    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startCrewProcess();
    const replies = await waitForFinishedReplies(slack, 'C111', event.event.ts, 2, 30_000);

    // What the person sees: the cut-off message, now marked, then one complete answer.
    expect(replies).toHaveLength(2);
    expect(replies[0]?.ts).toBe(partial.ts);
    expect(replies[0]?.text.startsWith(partial.text)).toBe(true);
    expect(replies[0]?.text).toContain('cut off by a restart');
    expect(replies[1]?.text).toBe(fullAnswer);
    expect(slack.messagesIn('C111', event.event.ts).filter((message) => message.isBot)).toHaveLength(2);

    // The second process re-ran the same job (attempt 2) and asked the model once more.
    const rerun = await second.waitForLog((line) => line.msg === 'turn answered');
    expect(rerun.attempt).toBe(2);
    expect(requestsAsking(anthropic, 'how do we make refunds safe?')).toHaveLength(2);

    // History: exactly one question/answer pair, with the complete answer.
    const stored = await waitForStoredTurns(redis, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => [turn.role, textOf(turn.content), turn.status])).toEqual([
      ['user', 'how do we make refunds safe?', undefined],
      ['assistant', fullAnswer, 'complete'],
    ]);
    // Nothing is left queued for this thread.
    const pending = (await redis.listKeys()).filter((key) => key.includes(':pending:'));
    expect(pending).toEqual([]);
  }, 120_000);
});
