import { WebClient } from '@slack/web-api';
import { silentLogger } from '../helpers/test-fixtures.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackClientOptions } from '../../src/adapters/slack/create-slack-app.js';
import { createSlackReplySink } from '../../src/adapters/slack/slack-reply-sink.js';
import { replyStopOf, type ReplyTarget } from '../../src/core/reply/ports.js';
import type { Logger } from '../../src/core/shared/ports.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.js';

const quiet = silentLogger();

let slack: FakeSlackApi;
let client: WebClient;

beforeAll(async () => {
  slack = await startFakeSlackApi();
  client = new WebClient('xoxb-test-token', { ...slackClientOptions(slack.url), retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => slack.reset());

function target(threadTs: string): ReplyTarget {
  return {
    teamId: 'T111',
    channelId: 'C111',
    threadTs,
    recipientUserId: 'U222',
    isDirectMessage: false,
    agent: { name: 'backend-architect', displayName: 'Backend Architect' },
  };
}

const sink = () => createSlackReplySink({ client, logger: quiet, flushIntervalMs: 20 });
const search = { id: 'srvtoolu_1', title: 'Searching the web', details: 'postgres 18 release notes' };

describe('a Slack reply (push-only)', () => {
  it('shows a progress item as a task_update chunk in its place in the native stream, updated in place', async () => {
    const reply = sink().open(target('1700000000.000100'));
    reply.status('is thinking…');
    reply.text('Let me check the release notes. ');
    reply.progress({ ...search, status: 'in_progress' });
    reply.progress({ ...search, status: 'complete', sources: [{ url: 'https://www.postgresql.org/docs/release/18.0/', title: 'PostgreSQL 18 release notes' }] });
    reply.text('Postgres 18 adds async I/O.');
    await reply.finish();

    const [message, ...others] = slack.messagesIn('C111', '1700000000.000100').filter((entry) => entry.isBot);
    expect(others).toEqual([]);
    expect(message?.text).toBe('Let me check the release notes. Postgres 18 adds async I/O.');
    expect(message?.tasks).toEqual([
      {
        id: 'srvtoolu_1',
        title: 'Searching the web',
        status: 'complete',
        details: 'postgres 18 release notes',
        sources: [{ type: 'url', url: 'https://www.postgresql.org/docs/release/18.0/', text: 'PostgreSQL 18 release notes' }],
      },
    ]);
    // The text before the task went out before it (the task is not shown ahead of it).
    const appendCalls = slack.calls.filter((call) => call.method === 'chat.appendStream' || call.method === 'chat.startStream');
    expect(appendCalls[0]?.args).toMatchObject({ markdown_text: 'Let me check the release notes. ' });
    expect(appendCalls[1]?.args).toMatchObject({ chunks: [{ type: 'task_update', id: 'srvtoolu_1', status: 'in_progress' }] });
    expect(reply.messageTs).toEqual([message?.ts]);
    expect(reply.stopped.aborted).toBe(false);
  });

  it('starts the stream with the task card when a tool runs before any text', async () => {
    const reply = sink().open(target('1700000000.000200'));
    reply.progress({ ...search, status: 'in_progress' });
    reply.text('Found it.');
    await reply.finish();
    const [message] = slack.messagesIn('C111', '1700000000.000200').filter((entry) => entry.isBot);
    expect(message?.text).toBe('Found it.');
    expect(message?.tasks.map((task) => task.status)).toEqual(['in_progress']);
    expect(slack.calls.find((call) => call.method === 'chat.startStream')?.args).toMatchObject({ chunks: [{ type: 'task_update' }] });
  });

  it('shows a progress item as a plain line in the post-and-update fallback', async () => {
    slack.failNext('chat.startStream', { error: 'not_allowed' });
    const reply = sink().open(target('1700000000.000300'));
    reply.text('Checking. ');
    reply.progress({ ...search, status: 'complete' });
    reply.text('Done.');
    await reply.finish();
    const [message] = slack.messagesIn('C111', '1700000000.000300').filter((entry) => entry.isBot);
    expect(message?.text).toContain('Checking.');
    expect(message?.text).toContain('Searching the web: postgres 18 release notes ✓');
    expect(message?.text).toContain('Done.');
  });

  it('aborts `stopped` with what the person saw when they press Stop', async () => {
    const reply = sink().open(target('1700000000.000400'));
    reply.text('First words.');
    await slack.waitFor(() => slack.messagesIn('C111', '1700000000.000400').find((entry) => entry.isBot && entry.isStreaming));
    const [streaming] = slack.messagesIn('C111', '1700000000.000400').filter((entry) => entry.isBot);
    slack.pressStop(streaming!.ts);
    reply.text(' More words nobody sees.');
    await slack.waitFor(() => (reply.stopped.aborted ? true : undefined));
    await reply.finish();
    expect(replyStopOf(reply)).toEqual({ kind: 'stopped-by-user', shownText: 'First words.' });
  });
});
