import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDeceptiveLabel } from '../../src/adapters/slack/sanitize-outbound-text.js';
import { findSlackMarkupInCalls, type SlackMarkupFinding } from '../fakes/find-slack-notifications.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { buildCrewCommand, buildMentionEvent } from './slack-event-builders.js';

let harness: CrewHarness;

beforeAll(async () => {
  harness = await startCrewHarness({ redis: false });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.slack.reset();
});

/** A hostile model answer: broadcasts, a forged mention and disguised links, in prose and in code. */
const hostileAnswer = [
  'Heads up <!here>, ask <@U999> or @channel.',
  '',
  'Read [https://docs.company.com](https://evil.example/login) and [the runbook](https://runbook.example/r).',
  '',
  'Also <https://evil.example|https://docs.company.com>, and `<!channel>` in code:',
  '',
  '```',
  '<!everyone> <@U999>',
  '```',
].join('\n');

/**
 * What would notify, mention or deceive in everything the bot sent: any broadcast or mention
 * except the bot addressing the asker, and masked links whose label names another host.
 */
function forgedMarkup(): SlackMarkupFinding[] {
  return findSlackMarkupInCalls(harness.slack.calls, { userIds: ['U222'] }).filter((finding) => {
    if (finding.kind !== 'masked-link') return true;
    const [, url = '', label = ''] = /^<([^|]*)\|(.*)>$/s.exec(finding.markup) ?? [];
    return isDeceptiveLabel(label, url);
  });
}

async function botReplyIn(threadTs: string, done: (text: string) => boolean): Promise<string> {
  return harness.slack.waitFor(() => {
    const bot = harness.slack.messagesIn('C111', threadTs).find((message) => message.isBot && message.ts !== threadTs);
    return bot && !bot.isStreaming && done(bot.text) ? bot.text : undefined;
  });
}

describe('no broadcast, forged mention or disguised link reaches Slack', () => {
  it('in a natively streamed answer, with code still code', async () => {
    harness.anthropic.enqueueReply({ text: hostileAnswer, tokensPerSecond: 300 });
    const event = buildMentionEvent({ text: 'anything dangerous?' });
    await harness.postEvent(event);

    const text = await botReplyIn(event.event.ts, (shown) => shown.includes('```'.repeat(1)) && shown.trimEnd().endsWith('```'));
    expect(harness.slack.callsTo('chat.startStream').length).toBeGreaterThanOrEqual(1);
    expect(forgedMarkup()).toEqual([]);
    expect(text).toContain('&lt;!here&gt;');
    expect(text).toContain('&lt;@U999&gt;');
    expect(text).toContain('https://docs.company.com (https://evil.example/login)');
    expect(text).toContain('[the runbook](https://runbook.example/r)');
    expect(text).toContain('&lt;https://evil.example|https://docs.company.com&gt;');
    expect(text).toContain('`&lt;!channel&gt;`');
    expect(text).toContain('```\n&lt;!everyone&gt; &lt;@U999&gt;\n```');
  });

  it('in the post-and-update fallback, with code still code', async () => {
    harness.slack.failNext('chat.startStream', { error: 'unknown_method' });
    harness.anthropic.enqueueReply({ text: hostileAnswer, tokensPerSecond: 300 });
    const event = buildMentionEvent({ text: 'anything dangerous?' });
    await harness.postEvent(event);

    const text = await botReplyIn(event.event.ts, (shown) => shown.trimEnd().endsWith('```'));
    expect(harness.slack.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(1);
    expect(forgedMarkup()).toEqual([]);
    expect(text).toContain('&lt;!here&gt;');
    expect(text).toContain('https://docs.company.com (https://evil.example/login)');
    expect(text).toContain('<https://runbook.example/r|the runbook>');
    expect(text).toContain('`&lt;!channel&gt;`');
    expect(text).toContain('```\n&lt;!everyone&gt; &lt;@U999&gt;\n```');
  });

  it('in the /crew root message, which still addresses the asker', async () => {
    harness.anthropic.enqueueReply({ text: 'No.' });
    // As Slack sends it: typed `<` arrives entity-encoded; a real mention arrives as markup.
    const question = 'backend-architect is `&lt;!channel&gt;` `<@U999>` or `<!here>` safe?';
    await harness.postCommand(buildCrewCommand(question));

    const root = await harness.slack.waitFor(() => harness.slack.messagesIn('C111').find((message) => message.isBot && message.threadTs === undefined));
    await botReplyIn(root.ts, (shown) => shown.includes('No.'));
    expect(forgedMarkup()).toEqual([]);
    expect(root.text.startsWith('<@U222> asked *Backend Architect*:')).toBe(true);
    expect(root.text).toContain('`&lt;!channel&gt;`');
    expect(root.text).not.toMatch(/<[!@#](?!U222>)/);
  });
});
