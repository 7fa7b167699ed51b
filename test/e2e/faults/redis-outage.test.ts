import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { buildMentionEvent } from '../slack-event-builders.js';
import { startRedisOutageProxy, type RedisOutageProxy } from '../../helpers/redis-outage-proxy.js';
import { botRepliesIn, requestsAsking, settle, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';

// Issue 3, point 14: Redis down at start, and Redis lost mid-run. The crew talks to the real
// test Redis through a TCP proxy that the test cuts and restores (the real Redis keeps running).

const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', recordUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', recordUnhandled);
});

let proxy: RedisOutageProxy | undefined;
let harness: CrewHarness | undefined;

afterEach(async () => {
  await proxy?.start();
  await harness?.close();
  await proxy?.close();
  harness = undefined;
  proxy = undefined;
});

async function readiness(crew: CrewHarness): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`http://127.0.0.1:${crew.crew.port}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
}

async function waitUntilReady(crew: CrewHarness): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await readiness(crew);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`crew did not become ready: ${JSON.stringify(body)}`);
    await settle(100);
  }
}

describe('Redis failures', () => {
  it('Redis down at start: /readyz 503 names the store, the log says why, and the crew becomes ready and answers once Redis appears', async () => {
    proxy = await startRedisOutageProxy({ startDown: true });
    harness = await startCrewHarness({ env: { REDIS_URL: proxy.url, LOG_LEVEL: 'info' } });

    const notReady = await readiness(harness);
    expect(notReady.status).toBe(503);
    expect(notReady.body.status).toBe('not ready');
    expect(notReady.body.checks.store).toBe('failing');
    // The body names the check only; the host and the error are in the log.
    expect(JSON.stringify(notReady.body)).not.toMatch(/127\.0\.0\.1|redis:|ECONNREFUSED/);
    const notReadyLine = harness.logs.find((line) => line.msg === 'not ready' && (line.failing as string[]).includes('store'));
    expect((notReadyLine?.checks as Record<string, string>).store).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable: .*ECONNREFUSED/);
    const startLine = await harness.slack.waitFor(() => harness!.logs.find((line) => String(line.msg).startsWith('not ready: Redis is unreachable at start')));
    expect(startLine.level).toBe('error');
    expect(String(startLine.reason)).toContain('ECONNREFUSED');
    // The process is up and keeps trying.
    expect((await fetch(`http://127.0.0.1:${harness.crew.port}/healthz`)).status).toBe(200);

    await proxy.start();
    await waitUntilReady(harness);
    expect((await readiness(harness)).body.checks.store).toBe('ok');

    harness.anthropic.enqueueReply({ text: 'Ready now: use a write-ahead log.' });
    const event = buildMentionEvent({ text: 'durability options?' });
    expect((await harness.postEvent(event)).status).toBe(200);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts, 1, 10_000);
    expect(answer?.text).toBe('Ready now: use a write-ahead log.');
    expect(unhandled).toEqual([]);
  });

  it('Redis lost mid-run: the asker is told in the thread (once), nothing crashes, and service resumes by itself', async () => {
    proxy = await startRedisOutageProxy();
    harness = await startCrewHarness({ env: { REDIS_URL: proxy.url, LOG_LEVEL: 'info' } });
    harness.anthropic.enqueueReply({ text: 'Before the outage.' });
    const before = buildMentionEvent({ text: 'warm-up question' });
    await harness.postEvent(before);
    await waitForFinishedReplies(harness.slack, 'C111', before.event.ts);

    await proxy.stop();
    const question = buildMentionEvent({ text: 'what about backups?' });
    // Slack gets an error so it redelivers the event later…
    expect((await harness.postEvent(question)).status).toBe(500);
    // …and the person is not left in silence.
    const notice = await harness.slack.waitFor(() => botRepliesIn(harness!.slack, 'C111', question.event.ts)[0]);
    expect(notice.text).toContain("I can't reach my memory store right now");
    expect(notice.text).not.toMatch(/Error|ECONN|at .+:\d+/);
    // Slack's quick first retry, still during the outage: another 500, no second notice.
    expect((await harness.postEvent(question, { retryNum: 1 })).status).toBe(500);
    await settle();
    expect(botRepliesIn(harness.slack, 'C111', question.event.ts)).toHaveLength(1);
    expect(requestsAsking(harness.anthropic, 'what about backups?')).toHaveLength(0);
    expect((await readiness(harness)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${harness.crew.port}/healthz`)).status).toBe(200);

    // Redis comes back; Slack's next retry of the same event is answered, once.
    await proxy.start();
    await waitUntilReady(harness);
    harness.anthropic.enqueueReply({ text: 'Snapshots plus AOF.' });
    expect((await harness.postEvent(question, { retryNum: 2 })).status).toBe(200);
    const replies = await waitForFinishedReplies(harness.slack, 'C111', question.event.ts, 2, 10_000);
    expect(replies.map((message) => message.text)).toEqual([notice.text, 'Snapshots plus AOF.']);

    // A new question afterwards is answered as usual.
    harness.anthropic.enqueueReply({ text: 'After the outage.' });
    const after = buildMentionEvent({ text: 'anything else?' });
    expect((await harness.postEvent(after)).status).toBe(200);
    const [afterAnswer] = await waitForFinishedReplies(harness.slack, 'C111', after.event.ts, 1, 10_000);
    expect(afterAnswer?.text).toBe('After the outage.');
    expect(await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: question.event.ts }, 2)).toMatchObject([
      { role: 'user', content: [{ type: 'text', text: 'what about backups?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Snapshots plus AOF.' }], status: 'complete' },
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`)).text();
    expect(metrics).toMatch(/crew_questions_refused_total\{reason="store_unavailable"\} 1/);
    expect(unhandled).toEqual([]);
  });
});
