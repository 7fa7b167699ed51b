import { WebClient } from '@slack/web-api';
import { silentLogger } from '../helpers/test-fixtures.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackClientOptions } from '../../src/adapters/slack/create-slack-app.js';
import { createSlackThreadReader } from '../../src/adapters/slack/slack-thread-reader.js';
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

const key = (threadTs: string) => ({ teamId: 'T111', channelId: 'C111', threadTs });

describe('Slack thread reader (conversations.replies, bounded)', () => {
  it('returns the messages before the question, oldest first, with markup rendered and bots marked', async () => {
    const [rootTs = '', , , questionTs = ''] = slack.seedThread('C111', '1600000000.000100', [
      { user: 'U1', text: 'Our refunds job is timing out &amp; retrying <@U2>' },
      { user: 'U2', text: 'See <https://example.com/runbook|the runbook>' },
      { botId: 'BOTHER', user: 'UOTHERBOT', username: 'Deploy Bot', text: 'Deploy finished' },
      { user: 'U1', text: '<@UBOT> what should we change?' },
      { user: 'U3', text: 'later message' },
    ]);
    const reader = createSlackThreadReader({ client, logger: quiet });
    const earlier = await reader.readEarlierMessages(key(rootTs), questionTs);

    expect(earlier.messages.map((message) => [message.authorId, message.isBot, message.text, message.authorName])).toEqual([
      ['U1', false, 'Our refunds job is timing out & retrying @U2', undefined],
      ['U2', false, 'See the runbook (https://example.com/runbook)', undefined],
      ['UOTHERBOT', true, 'Deploy finished', 'Deploy Bot'],
    ]);
    expect(earlier.omittedCount).toBe(0);
    expect(slack.callsTo('conversations.replies')).toHaveLength(1);
    expect(slack.callsTo('conversations.replies')[0]?.args).toMatchObject({ channel: 'C111', ts: rootTs, latest: questionTs });
  });

  it('keeps the root and the most recent messages within the message and character bounds', async () => {
    const texts = Array.from({ length: 30 }, (_, index) => ({ user: 'U1', text: `message ${index} ${'x'.repeat(90)}` }));
    const seeded = slack.seedThread('C111', '1600000001.000100', [...texts, { user: 'U9', text: 'the question' }]);
    const questionTs = seeded.at(-1) as string;

    const byCount = await createSlackThreadReader({ client, logger: quiet, maxMessages: 5 }).readEarlierMessages(key(seeded[0] as string), questionTs);
    expect(byCount.messages.map((message) => message.text.split(' ')[1])).toEqual(['0', '26', '27', '28', '29']);
    expect(byCount.omittedCount).toBe(25);

    const byChars = await createSlackThreadReader({ client, logger: quiet, maxChars: 500 }).readEarlierMessages(key(seeded[0] as string), questionTs);
    expect(byChars.messages.reduce((sum, message) => sum + message.text.length, 0)).toBeLessThanOrEqual(500);
    expect(byChars.messages[0]?.text.startsWith('message 0 ')).toBe(true);
    expect(byChars.messages.at(-1)?.text.startsWith('message 29 ')).toBe(true);
  });

  it('reads at most maxPages pages, and never waits out a rate limit', async () => {
    const texts = Array.from({ length: 40 }, (_, index) => ({ user: 'U1', text: `m${index}` }));
    const seeded = slack.seedThread('C111', '1600000002.000100', [...texts, { user: 'U9', text: 'q' }]);
    const reader = createSlackThreadReader({ client, logger: quiet, pageSize: 10, maxPages: 2 });
    const earlier = await reader.readEarlierMessages(key(seeded[0] as string), seeded.at(-1) as string);
    expect(slack.callsTo('conversations.replies')).toHaveLength(2);
    expect(earlier.messages).toHaveLength(20);

    slack.reset();
    const limited = slack.seedThread('C111', '1600000003.000100', [...texts, { user: 'U9', text: 'q' }]);
    slack.failNext('conversations.replies', { rateLimitedSeconds: 30 });
    await expect(reader.readEarlierMessages(key(limited[0] as string), limited.at(-1) as string)).rejects.toThrow();
    // One attempt only: the turn goes on without the context instead of waiting 30 s.
    expect(slack.callsTo('conversations.replies')).toHaveLength(1);
  });
});
