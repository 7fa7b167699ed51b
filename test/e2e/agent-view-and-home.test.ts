import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homePageActionPrefix } from '../../src/adapters/slack/app-home-view.js';
import { publishedHomeOf, suggestedPromptsIn } from '../fakes/fake-slack-views.js';
import { buildAppHomeOpenedEvent, pressHomeButton } from './app-home-event-builders.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { waitForFinishedReplies } from './faults/fault-test-helpers.js';
import { buildMessageEvent } from './slack-event-builders.js';
import { useCrewHarness } from './use-crew-harness.js';

// Issue 12, point 4: the agent view's suggested prompts and the App Home, over real Bolt (HTTP,
// signed events) against the fake Slack, with Redis.

const harness = useCrewHarness();

function logsSaying(target: CrewHarness, message: string): Array<Record<string, unknown>> {
  return target.logs.filter((line) => String(line.msg).includes(message));
}

function homeText(target: CrewHarness, user = 'U222'): string {
  return JSON.stringify(publishedHomeOf(target.slack, user)?.view.blocks ?? []);
}

describe('the agent view (Messages tab)', () => {
  it('sets the default agent’s suggested prompts and “Who is on the crew?” when a person opens it — four at most, no thread_ts', async () => {
    const response = await harness.postEvent(buildAppHomeOpenedEvent({ tab: 'messages', channel: 'D111' }));
    expect(response.status).toBe(200);
    const [record] = await harness.slack.waitFor(() => (suggestedPromptsIn(harness.slack, 'D111').length > 0 ? suggestedPromptsIn(harness.slack, 'D111') : undefined));
    expect(record).toEqual({
      channel: 'D111',
      title: 'Ask Backend Architect',
      shown: true,
      prompts: [
        { title: 'Sketch a backend architecture for a multi-tenant SaaS app…', message: 'Sketch a backend architecture for a multi-tenant SaaS app that will grow to 10k customers' },
        { title: 'Review this PostgreSQL schema and suggest indexes for our…', message: 'Review this PostgreSQL schema and suggest indexes for our main queries' },
        { title: 'How should we design retries and idempotency for our…', message: 'How should we design retries and idempotency for our payment webhooks?' },
        { title: 'Who is on the crew?', message: 'Who is on the crew, and what is each member good at?' },
      ],
    });
    expect(harness.slack.callsTo('assistant.threads.setSuggestedPrompts')[0]?.args).not.toHaveProperty('thread_ts');
    expect(harness.slack.callsTo('views.publish')).toEqual([]);
  });

  it('after an answer in a DM thread bound to another agent, offers that agent’s prompts on that thread (a default-agent thread gets none)', async () => {
    harness.anthropic.enqueueReply({ text: 'Use Postgres.' });
    const plain = buildMessageEvent({ channelType: 'im', channel: 'D222', text: 'which database for a ledger?' });
    await harness.postEvent(plain);
    await waitForFinishedReplies(harness.slack, 'D222', plain.event.ts as string);

    harness.anthropic.enqueueReply({ text: 'The pager is quiet.' });
    const toSre = buildMessageEvent({ channelType: 'im', channel: 'D222', text: 'sre is the pager quiet?' });
    await harness.postEvent(toSre);
    await waitForFinishedReplies(harness.slack, 'D222', toSre.event.ts as string);
    const records = await harness.slack.waitFor(() => (suggestedPromptsIn(harness.slack, 'D222').length > 0 ? suggestedPromptsIn(harness.slack, 'D222') : undefined));
    expect(records).toEqual([
      {
        channel: 'D222',
        title: 'Ask SRE / Platform Engineer',
        shown: true,
        threadTs: toSre.event.ts,
        prompts: [
          { title: 'Define SLOs and alerts for our public API', message: 'Define SLOs and alerts for our public API' },
          { title: 'We deploy by hand twice a week. Sketch a CI/CD pipeline…', message: 'We deploy by hand twice a week. Sketch a CI/CD pipeline that lets us ship daily' },
          { title: 'Our cloud bill doubled in three months. How do we find out…', message: 'Our cloud bill doubled in three months. How do we find out why?' },
          { title: 'Who is on the crew?', message: 'Who is on the crew, and what is each member good at?' },
        ],
      },
    ]);

    // A follow-up without a name stays with the thread's agent, and its answer offers its prompts again.
    harness.anthropic.enqueueReply({ text: 'Still quiet.' });
    await harness.postEvent(buildMessageEvent({ channelType: 'im', channel: 'D222', text: 'and now?', threadTs: toSre.event.ts as string }));
    await waitForFinishedReplies(harness.slack, 'D222', toSre.event.ts as string, 2);
    const again = await harness.slack.waitFor(() => suggestedPromptsIn(harness.slack, 'D222')[1]);
    expect(again).toMatchObject({ title: 'Ask SRE / Platform Engineer', threadTs: toSre.event.ts, shown: true });
  });

  it('logs a refused prompts call with its context and goes on', async () => {
    harness.slack.failNext('assistant.threads.setSuggestedPrompts', { error: 'channel_not_found' });
    const response = await harness.postEvent(buildAppHomeOpenedEvent({ tab: 'messages', channel: 'D333', user: 'U333' }));
    expect(response.status).toBe(200);
    const line = await harness.slack.waitFor(() => logsSaying(harness, 'could not set suggested prompts').find((entry) => entry.channel === 'D333'));
    expect(line).toMatchObject({ code: 'channel_not_found', user: 'U333', tab: 'messages', method: 'assistant.threads.setSuggestedPrompts' });
  });
});

describe('the App Home', () => {
  it('publishes the crew when a person opens the Home tab: every agent with aliases, what it is for, whom it consults, a question to try and how to ask', async () => {
    await harness.postEvent(buildAppHomeOpenedEvent({ tab: 'home' }));
    const published = await harness.slack.waitFor(() => publishedHomeOf(harness.slack, 'U222'));
    expect(published.view.type).toBe('home');
    const text = homeText(harness);
    expect(text).toContain('*How to ask*');
    expect(text).toContain('`/crew <agent> <question>`');
    for (const agent of harness.crew.registry.list()) {
      expect(text).toContain(`*${agent.displayName}* — \`${agent.name}\``);
      for (const alias of agent.aliases) expect(text).toContain(`\`${alias}\``);
      expect(text).toContain(`*Ask:* \`@architect ${agent.name} …\` · \`/crew ${agent.name} …\``);
    }
    expect(text).toContain('*Try:* “Define SLOs and alerts for our public API”');
    expect(text).toMatch(/SRE \/ Platform Engineer[^"]*\*Consults:\* Security Engineer, Data Engineer/);
    expect(harness.slack.callsTo('assistant.threads.setSuggestedPrompts')).toEqual([]);
  });

  it('logs a refused or rate-limited publish with its context, never failing the listener, and publishes on the next open', async () => {
    harness.slack.failNext('views.publish', { error: 'not_enabled' });
    expect((await harness.postEvent(buildAppHomeOpenedEvent({ tab: 'home', user: 'U444' }))).status).toBe(200);
    const refused = await harness.slack.waitFor(() => logsSaying(harness, 'could not publish the App Home').find((entry) => entry.user === 'U444'));
    expect(refused).toMatchObject({ code: 'not_enabled', tab: 'home', method: 'views.publish' });
    expect(String(refused.msg)).toContain('home_tab_enabled');

    harness.slack.failNext('views.publish', { rateLimitedSeconds: 30 });
    expect((await harness.postEvent(buildAppHomeOpenedEvent({ tab: 'home', user: 'U555' }))).status).toBe(200);
    const limited = await harness.slack.waitFor(() => logsSaying(harness, 'could not publish the App Home').find((entry) => entry.user === 'U555'));
    expect(limited).toMatchObject({ code: 'ratelimited' });

    await harness.postEvent(buildAppHomeOpenedEvent({ tab: 'home', user: 'U555' }));
    await harness.slack.waitFor(() => publishedHomeOf(harness.slack, 'U555'));
  });
});

describe('the App Home of a large crew, and after the crew changes', () => {
  const extra: CrewHarness[] = [];
  let agentsDir: string | undefined;
  afterAll(async () => {
    for (const running of extra.reverse()) await running.close();
    if (agentsDir) rmSync(agentsDir, { recursive: true, force: true });
  });

  it('pages the 195-file corpus within Block Kit limits and publishes the page a button asks for', async () => {
    const big = await startCrewHarness({ redis: false, env: { AGENTS_DIR: 'test/fixtures/agent-corpus' } });
    extra.push(big);
    await big.postEvent(buildAppHomeOpenedEvent({ tab: 'home' }));
    await big.slack.waitFor(() => publishedHomeOf(big.slack, 'U222'));
    const count = big.crew.registry.list().length;
    expect(homeText(big)).toContain(`${count} agents · showing 1–20 (page 1 of ${Math.ceil(count / 20)})`);

    const response = await pressHomeButton(big, { button: { action_id: `${homePageActionPrefix}next`, value: '2' } });
    expect(response.status).toBe(200);
    await big.slack.waitFor(() => homeText(big).includes('showing 21–40'));
  });

  it('shows the new crew on the next open after a restart with changed agent files', async () => {
    agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-home-'));
    const agentFile = (name: string) => `---\nname: ${name}\ndescription: The ${name}.\n---\nYou are the ${name}.\n`;
    writeFileSync(path.join(agentsDir, 'backend-architect.md'), agentFile('backend-architect'));
    const first = await startCrewHarness({ redis: false, env: { AGENTS_DIR: agentsDir } });
    extra.push(first);
    await first.postEvent(buildAppHomeOpenedEvent({ tab: 'home' }));
    await first.slack.waitFor(() => publishedHomeOf(first.slack, 'U222'));
    expect(homeText(first)).toContain('`backend-architect`');
    expect(homeText(first)).not.toContain('`release-manager`');

    writeFileSync(path.join(agentsDir, 'release-manager.md'), agentFile('release-manager'));
    await first.stopCrew();
    first.slack.reset();
    const second = await first.restart();
    extra.push(second);
    await second.postEvent(buildAppHomeOpenedEvent({ tab: 'home' }));
    await second.slack.waitFor(() => publishedHomeOf(second.slack, 'U222'));
    expect(homeText(second)).toContain('`release-manager`');
    expect(homeText(second)).toContain('2 agents');
  });
});
