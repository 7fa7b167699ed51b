import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../src/core/model/content-block.js';
import { readToolNames, startFakeAnthropicApi, type FakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { waitForFinishedReplies, waitForStoredTurns } from './faults/fault-test-helpers.js';
import { buildMentionEvent } from './slack-event-builders.js';

// Issue 10, point 2: `WebSearch` / `WebFetch` in an agent's `tools` become Anthropic's server
// tools; `pause_turn` continues the turn; the sources show on the progress card; WEB_TOOLS=off.

let slack: FakeSlackApi;
let anthropic: FakeAnthropicApi;
let agentsDir: string;
const harnesses: CrewHarness[] = [];

beforeAll(async () => {
  slack = await startFakeSlackApi();
  anthropic = await startFakeAnthropicApi();
  agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-tools-'));
  copyFileSync('agents/backend-architect.md', path.join(agentsDir, 'backend-architect.md'));
  writeFileSync(
    path.join(agentsDir, 'researcher.md'),
    '---\nname: researcher\ndescription: Looks things up.\ntools: WebSearch, WebFetch, Bash, mcp__github__search\n---\nYou research.\n',
  );
});
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  await slack.close();
  await anthropic.close();
  rmSync(agentsDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<CrewHarness> {
  const harness = await startCrewHarness({ env: { AGENTS_DIR: agentsDir, DEFAULT_AGENT: 'backend-architect', ...env }, shared: { slack, anthropic } });
  harnesses.push(harness);
  return harness;
}

async function ask(harness: CrewHarness, text: string) {
  const event = buildMentionEvent({ text });
  await harness.postEvent(event);
  const replies = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
  return { event, replies };
}

describe('web tools from the agent file', () => {
  let harness: CrewHarness;
  beforeAll(async () => {
    harness = await start();
  });

  it('offers web search and web fetch exactly to agents that list them (other tools ignored)', async () => {
    anthropic.enqueueReply({ text: 'Here is what I found.' });
    await ask(harness, 'researcher what is new in Redis 8?');
    const researched = anthropic.requests.at(-1)!;
    expect(readToolNames(researched)).toEqual(['web_search', 'web_fetch']);
    expect((researched.body as { tools: Array<{ type: string; max_uses: number }> }).tools.every((tool) => tool.max_uses === 5)).toBe(true);
    // With tools on a 5-series model, the text written between tool calls is asked for (it comes back as thinking).
    expect((researched.body as { thinking?: unknown }).thinking).toEqual({ type: 'adaptive', display: 'summarized' });

    anthropic.enqueueReply({ text: 'Design first.' });
    await ask(harness, 'how should we design retries?');
    expect(readToolNames(anthropic.requests.at(-1)!)).toEqual([]);
    expect(anthropic.requests.at(-1)!.body).not.toHaveProperty('thinking');
  });

  it('continues a paused turn, shows the search as a task card with its sources, and stores the answer', async () => {
    anthropic.enqueueReply({
      blocks: [
        { type: 'server_tool_use', name: 'web_search', input: { query: 'redis 8 release notes' } },
        {
          type: 'web_search_tool_result',
          content: [{ type: 'web_search_result', url: 'https://redis.io/docs/latest/', title: 'Redis 8 release notes', encrypted_content: 'enc-1' }],
        },
      ],
      stopReason: 'pause_turn',
    });
    anthropic.enqueueReply({ text: 'Redis 8 adds vector sets and new hash field expiry.' });
    const before = anthropic.requests.length;
    const { event, replies } = await ask(harness, 'researcher what did Redis 8 add?');

    const [paused, continued] = anthropic.requests.slice(before);
    expect(continued).toBeDefined();
    // The paused response goes back as it came, as the last (assistant) message.
    const lastMessage = (continued!.body as { messages: Array<{ role: string; content: Array<{ type: string }> }> }).messages.at(-1);
    expect(lastMessage?.role).toBe('assistant');
    expect(lastMessage?.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
    expect(readToolNames(paused!)).toEqual(['web_search', 'web_fetch']);

    const [answer] = replies;
    expect(answer?.text).toBe('Redis 8 adds vector sets and new hash field expiry.');
    expect(answer?.tasks).toEqual([
      {
        id: expect.stringMatching(/^srvtoolu_/),
        title: 'Searching the web',
        status: 'complete',
        details: 'redis 8 release notes',
        sources: [{ type: 'url', url: 'https://redis.io/docs/latest/', text: 'Redis 8 release notes' }],
      },
    ]);
    const [, stored] = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(textOf(stored!.content)).toBe('Redis 8 adds vector sets and new hash field expiry.');
    expect(stored!.content.map((block) => block.type)).toEqual(['tool-use', 'tool-result', 'text']);
  });

  it('offers no web tools to anyone with WEB_TOOLS=off', async () => {
    await harness.stopCrew();
    const off = await start({ WEB_TOOLS: 'off' });
    anthropic.enqueueReply({ text: 'From memory only.' });
    await ask(off, 'researcher what is new in Redis 8?');
    expect(readToolNames(anthropic.requests.at(-1)!)).toEqual([]);
  });
});
