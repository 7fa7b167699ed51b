import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSlackMarkupInCalls } from '../fakes/find-slack-notifications.js';
import type { FakeSlackApi } from '../fakes/fake-slack-api.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { requestsAsking, waitForFinishedReplies } from './faults/fault-test-helpers.js';
import { buildCrewCommand, buildMentionEvent } from './slack-event-builders.js';
import { useCrewHarness } from './use-crew-harness.js';

// Issue 12, point 3: `/crew use <agent>` sets the agent bare mentions and `/crew <question>` reach
// in a channel; shown by `/crew use` and `/crew help`, cleared by `/crew use default`, announced.

/** The ephemeral text of a `/crew` response, or undefined for an empty acknowledgement. */
async function commandReply(harness: CrewHarness, text: string, fields: { channel?: string; user?: string } = {}): Promise<{ response_type?: string; text: string } | undefined> {
  const response = await harness.postCommand(buildCrewCommand(text, fields));
  expect(response.status).toBe(200);
  return response.body === '' ? undefined : (JSON.parse(response.body) as { response_type?: string; text: string });
}

/** The bot's top-level messages in a channel (announcements and `/crew` roots). */
function channelPosts(slack: FakeSlackApi, channel: string) {
  return slack.messagesIn(channel).filter((message) => message.isBot && message.threadTs === undefined);
}

/** Asks with a bare mention; returns the system prompt the model got and the answer's author name. */
async function askByMention(harness: CrewHarness, channel: string, question: string, threadTs?: string): Promise<{ system: string; username?: string }> {
  harness.anthropic.enqueueReply({ text: `Answer to ${question}` });
  const event = buildMentionEvent({ text: question, channel, ...(threadTs ? { threadTs } : {}) });
  await harness.postEvent(event);
  const thread = threadTs ?? event.event.ts;
  const replies = await harness.slack.waitFor(() => {
    const finished = harness.slack.messagesIn(channel, thread).filter((message) => message.isBot && message.ts !== thread && !message.isStreaming);
    return finished.find((message) => message.text.includes(`Answer to ${question}`));
  });
  // One question at a time in these tests: the latest request is this one.
  const request = harness.anthropic.requests.at(-1)?.body as { system: Array<{ text: string }> } | undefined;
  return { system: request?.system.map((block) => block.text).join('\n') ?? '', username: replies.username };
}

/** The channel's settings keys in Redis (the harness's unique prefix). */
async function storedChannelKeys(harness: CrewHarness, channel: string): Promise<string[]> {
  return ((await harness.redis?.listKeys()) ?? []).filter((key) => key.endsWith(`:channel:{T111:${channel}}`));
}

const securityPrompt = 'You are the **Security Engineer**';
const architectPrompt = 'Backend Systems Architect';

describe('/crew use: anyone in the channel may set the default (CHANNEL_DEFAULT_EDITORS unset)', () => {
  const harness = useCrewHarness();

  it('sets it (announced in the channel), shows it, applies it to bare mentions and /crew <question>, and clears it (announced)', async () => {
    const channel = 'C201';
    expect(await commandReply(harness, 'use security', { channel })).toBeUndefined();
    const [announcement] = await harness.slack.waitFor(() => channelPosts(harness.slack, channel).length === 1 && channelPosts(harness.slack, channel));
    expect(announcement?.text).toContain('<@U222> set the default agent here to *Security Engineer*');
    expect(harness.slack.callsTo('chat.postMessage')[0]?.args).toMatchObject({ channel });
    // The asker's mention is the only markup the bot sent.
    expect(findSlackMarkupInCalls(harness.slack.calls, { userIds: ['U222'] })).toEqual([]);

    const shown = await commandReply(harness, 'use', { channel, user: 'U333' });
    expect(shown?.response_type).toBe('ephemeral');
    expect(shown?.text).toContain('reach *Security Engineer* (`security-engineer`), set by <@U222> on ');
    const help = await commandReply(harness, 'help', { channel });
    expect(help?.response_type).toBe('ephemeral');
    expect(help?.text).toContain('In this channel, bare mentions and `/crew <question>` reach *Security Engineer*');
    expect(help?.text).toContain('`/crew use <agent>`');
    // Showing and help are private: nothing more was posted.
    expect(channelPosts(harness.slack, channel)).toHaveLength(1);

    const mention = await askByMention(harness, channel, 'how do we rotate the signing keys?');
    expect(mention.system).toContain(securityPrompt);
    expect(mention.username).toBe('Security Engineer');
    // Another channel keeps the crew's default.
    expect((await askByMention(harness, 'C299', 'who answers here?')).system).toContain(architectPrompt);

    harness.anthropic.enqueueReply({ text: 'Use short-lived tokens.' });
    expect(await commandReply(harness, 'should sessions expire?', { channel })).toBeUndefined();
    const root = await harness.slack.waitFor(() => channelPosts(harness.slack, channel).find((message) => message.text.includes('should sessions expire?')));
    expect(root.text).toContain('<@U222> asked *Security Engineer*');
    await waitForFinishedReplies(harness.slack, channel, root.ts);
    expect(requestsAsking(harness.anthropic, 'should sessions expire?')[0]?.body).toMatchObject({ system: [expect.objectContaining({ text: expect.stringContaining(securityPrompt) })] });

    // Naming an agent still picks that one.
    expect((await askByMention(harness, channel, 'architect how do we shard?')).system).toContain(architectPrompt);

    expect(await commandReply(harness, 'use default', { channel, user: 'U333' })).toBeUndefined();
    const cleared = await harness.slack.waitFor(() => channelPosts(harness.slack, channel).find((message) => message.text.includes('cleared the default agent here')));
    expect(cleared.text).toContain('<@U333> cleared the default agent here');
    expect(cleared.text).toContain('*Backend Architect*');
    expect((await commandReply(harness, 'use', { channel }))?.text).toContain("reach the crew's default agent, *Backend Architect*");
    expect((await askByMention(harness, channel, 'and who answers now?')).system).toContain(architectPrompt);
    expect(await storedChannelKeys(harness, channel)).toEqual([]);
  });

  it('keeps a thread bound to its agent: the channel default only reaches new threads', async () => {
    const channel = 'C202';
    const first = buildMentionEvent({ text: 'how should we model refunds?', channel });
    harness.anthropic.enqueueReply({ text: 'Answer to how should we model refunds?' });
    await harness.postEvent(first);
    await waitForFinishedReplies(harness.slack, channel, first.event.ts);

    expect(await commandReply(harness, 'use security-engineer', { channel })).toBeUndefined();
    const followUp = await askByMention(harness, channel, 'and the audit trail?', first.event.ts);
    expect(followUp.system).toContain(architectPrompt);
    expect(followUp.system).not.toContain(securityPrompt);
    expect((await askByMention(harness, channel, 'a new thread then?')).system).toContain(securityPrompt);
  });

  it('answers an unknown agent with the did-you-mean message, storing and posting nothing', async () => {
    const channel = 'C203';
    const reply = await commandReply(harness, 'use securty', { channel });
    expect(reply?.response_type).toBe('ephemeral');
    expect(reply?.text).toContain('There is no agent called `securty` in the crew. Did you mean `security`?');
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await storedChannelKeys(harness, channel)).toEqual([]);
  });

  it('explains in a DM that DMs use DEFAULT_AGENT, and stores nothing', async () => {
    for (const text of ['use', 'use security']) {
      const reply = await commandReply(harness, text, { channel: 'D111' });
      expect(reply?.response_type).toBe('ephemeral');
      expect(reply?.text).toContain("In DMs I answer as the crew's default agent, *Backend Architect*");
    }
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await storedChannelKeys(harness, 'D111')).toEqual([]);
  });

  it('undoes a change it cannot announce (the bot is not in the channel) and says how to fix it', async () => {
    harness.slack.removeBotFrom('C998');
    const reply = await commandReply(harness, 'use security', { channel: 'C998' });
    expect(reply?.text).toContain("I'm not in this channel");
    expect(reply?.text).toContain('/invite');
    expect(await storedChannelKeys(harness, 'C998')).toEqual([]);
    harness.slack.addBotTo('C998');
  });
});

describe('/crew use with CHANNEL_DEFAULT_EDITORS', () => {
  const harness = useCrewHarness({ env: { CHANNEL_DEFAULT_EDITORS: 'U222,W777' } });

  it('refuses a non-editor privately with who may, stores and announces nothing; an editor may', async () => {
    const channel = 'C301';
    const refused = await commandReply(harness, 'use security', { channel, user: 'U444' });
    expect(refused?.response_type).toBe('ephemeral');
    expect(refused?.text).toContain('Only <@U222>, <@W777> can change the default agent in this channel');
    expect((await commandReply(harness, 'use default', { channel, user: 'U444' }))?.text).toContain('Only <@U222>, <@W777>');
    expect(harness.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await storedChannelKeys(harness, channel)).toEqual([]);
    const shown = await commandReply(harness, 'use', { channel, user: 'U444' });
    expect(shown?.text).toContain('*Backend Architect*');
    expect(shown?.text).toContain('Only <@U222>, <@W777> can change it here.');

    expect(await commandReply(harness, 'use security', { channel, user: 'U222' })).toBeUndefined();
    await harness.slack.waitFor(() => channelPosts(harness.slack, channel).find((message) => message.text.includes('<@U222> set the default agent here')));
    expect(await storedChannelKeys(harness, channel)).toHaveLength(1);
  });
});

describe('/crew use when the agent leaves the crew, and hostile names', () => {
  let agentsDir: string;
  const harnesses: CrewHarness[] = [];
  const agentFile = (name: string, extra = '') => `---\nname: ${name}\ndescription: The ${name}.\n${extra}---\nYou are the ${name}, on duty.\n`;

  beforeAll(() => {
    agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-channel-defaults-'));
    writeFileSync(path.join(agentsDir, 'backend-architect.md'), agentFile('backend-architect'));
    writeFileSync(path.join(agentsDir, 'incident-commander.md'), agentFile('incident-commander', 'display_name: "Ops <!channel> @here"\n'));
  });
  afterAll(async () => {
    for (const harness of harnesses.reverse()) await harness.close();
    rmSync(agentsDir, { recursive: true, force: true });
  });

  it('announces without any broadcast from an agent name, then falls back to DEFAULT_AGENT once the agent is gone, logs it once and says so', async () => {
    const first = await startCrewHarness({ env: { AGENTS_DIR: agentsDir } });
    harnesses.push(first);
    expect(await commandReply(first, 'use incident-commander', { channel: 'C401' })).toBeUndefined();
    const announcement = await first.slack.waitFor(() => channelPosts(first.slack, 'C401')[0]);
    expect(announcement.text).toContain('<@U222> set the default agent here to *Ops &lt;!channel&gt; @\u2060here*');
    expect(findSlackMarkupInCalls(first.slack.calls, { userIds: ['U222'] })).toEqual([]);
    expect((await askByMention(first, 'C401', 'is the incident over?')).system).toContain('You are the incident-commander, on duty.');

    await first.stopCrew();
    unlinkSync(path.join(agentsDir, 'incident-commander.md'));
    const second = await first.restart();
    harnesses.push(second);
    expect((await askByMention(second, 'C401', 'who is on duty now?')).system).toContain('You are the backend-architect, on duty.');
    expect((await askByMention(second, 'C401', 'and after that?')).system).toContain('You are the backend-architect, on duty.');
    const fallbackLogs = second.logs.filter((line) => line.msg === "the channel's default agent is no longer in the crew; answering with the crew's default agent");
    expect(fallbackLogs).toHaveLength(1);
    expect(fallbackLogs[0]).toMatchObject({ channel: 'C401', agent: 'incident-commander', fallback: 'backend-architect' });
    const shown = await commandReply(second, 'use', { channel: 'C401' });
    expect(shown?.text).toContain('to `incident-commander`, which is no longer in the crew');
    expect(shown?.text).toContain('*Backend Architect*');
  });
});
