import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySessionClosingSchedule } from '../../src/adapters/memory/memory-session-closing-schedule.js';
import { slackClientOptions } from '../../src/adapters/slack/create-slack-app.js';
import { createSlackReplySink } from '../../src/adapters/slack/slack-reply-sink.js';
import { startSessionCloser } from '../../src/wiring/start-session-closer.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.js';
import { createRecordingLogger } from '../helpers/test-fixtures.js';

// Issue 12, point 1: a session closes when its thread's conversation expires.
let slack: FakeSlackApi;
let client: WebClient;

beforeAll(async () => {
  slack = await startFakeSlackApi();
  client = new WebClient('xoxb-test-token', { ...slackClientOptions(slack.url), retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());

describe('closing the sessions of expired threads', () => {
  it('closes in Slack exactly the sessions whose threads expired, once, across two replicas', async () => {
    slack.reset();
    let now = 1_000_000;
    const clock = { now: () => now };
    const schedule = createMemorySessionClosingSchedule();
    const logger = createRecordingLogger();
    const sink = createSlackReplySink({ client, logger, flushIntervalMs: 20 });
    const replicas = [0, 1].map(() => startSessionCloser({ schedule, close: (thread) => sink.closeSession(thread), clock, logger, intervalMs: 3_600_000 }));
    for (const ts of ['1.1', '2.2', '3.3']) slack.sessions.seed('C1', ts, `thread ${ts}`);
    await schedule.schedule({ teamId: 'T111', channelId: 'C1', threadTs: '1.1' }, now + 1_000);
    await schedule.schedule({ teamId: 'T111', channelId: 'C1', threadTs: '2.2' }, now + 2_000);
    await schedule.schedule({ teamId: 'T111', channelId: 'C1', threadTs: '3.3' }, now + 60_000);

    now += 5_000;
    const closed = await Promise.all(replicas.map((replica) => replica.closeDue()));
    replicas.forEach((replica) => replica.stop());

    expect(closed.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(slack.sessions.get('C1', '1.1')?.status).toBe('closed');
    expect(slack.sessions.get('C1', '2.2')?.status).toBe('closed');
    expect(slack.sessions.get('C1', '3.3')?.status).toBe('active');
    expect(slack.callsTo('agents.sessions.setStatus').map((call) => call.args.status)).toEqual(['closed', 'closed']);
    expect(logger.entries.filter((entry) => entry.message === 'closed the agent sessions of expired threads').map((entry) => entry.context)).toEqual([{ due: 2, closed: 2 }]);
  });
});
