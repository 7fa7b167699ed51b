import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAgents } from '../../src/adapters/agent-files/load-agents.js';
import { buildAppHomeView, homePageActionPrefix, homePageSize, type HomeBlock } from '../../src/adapters/slack/app-home-view.js';
import type { Agent } from '../../src/core/agents/agent.js';
import { createAgentRegistry, type AgentRegistry } from '../../src/core/agents/agent-registry.js';
import { describeCrew } from '../../src/core/agents/describe-crew.js';
import { findViewBlockProblem } from '../fakes/fake-slack-view-blocks.js';

const corpusDir = fileURLToPath(new URL('../fixtures/agent-corpus', import.meta.url));
const agentsDir = fileURLToPath(new URL('../../agents', import.meta.url));

function textsOf(blocks: HomeBlock[]): string {
  return JSON.stringify(blocks);
}

function makeAgent(name: string, fields: Partial<Agent> = {}): Agent {
  return { name, description: `The ${name}.`, prompt: '', model: 'inherit', aliases: [], displayName: name, suggestedPrompts: [], loadingMessages: [], tools: [], consults: [], sourceFile: `${name}.md`, ...fields };
}

describe('buildAppHomeView', () => {
  let corpus: AgentRegistry;
  let shipped: AgentRegistry;
  beforeAll(async () => {
    corpus = createAgentRegistry((await loadAgents(corpusDir)).agents);
    shipped = createAgentRegistry((await loadAgents(agentsDir)).agents);
  });

  it('lists every shipped agent on one page: name, aliases, what it is for, whom it consults, a question to try, how to ask', () => {
    const { view, pageCount } = buildAppHomeView(describeCrew(shipped), { botHandle: '@architect' });
    expect(pageCount).toBe(1);
    expect(findViewBlockProblem(view.blocks)).toBeUndefined();
    const text = textsOf(view.blocks);
    expect(text).toContain('*Backend Architect* — `backend-architect` (also `architect`) · _default_');
    expect(text).toContain('*Try:* “Sketch a backend architecture for a multi-tenant SaaS app that will grow to 10k customers”');
    expect(text).toContain('*Ask:* `@architect backend-architect …` · `/crew backend-architect …` · in Messages: `backend-architect …`');
    expect(text).toMatch(/\*Consults:\* [^"]*Security Engineer/);
    expect(text).toContain('`/crew <agent> <question>`');
    for (const agent of shipped.list()) expect(text).toContain(`\`${agent.name}\``);
    expect(view.blocks.some((block) => block.type === 'actions')).toBe(false);
  });

  it('pages the 195-file corpus crew within Block Kit limits, every member on exactly one page, with Previous / Next buttons', () => {
    const crew = describeCrew(corpus);
    expect(crew.members.length).toBeGreaterThan(180); // the corpus's 195 files, less those a crew cannot take
    const first = buildAppHomeView(crew, { botHandle: '@architect' });
    expect(first.pageCount).toBe(Math.ceil(crew.members.length / homePageSize));
    const seen: string[] = [];
    for (let page = 1; page <= first.pageCount; page += 1) {
      const { view } = buildAppHomeView(crew, { botHandle: '@architect', page });
      expect(findViewBlockProblem(view.blocks), `page ${page}`).toBeUndefined();
      expect(JSON.stringify(view).length).toBeLessThan(250_000);
      const buttons = view.blocks.filter((block) => block.type === 'actions').flatMap((block) => block.elements as Array<{ action_id: string; value: string }>);
      expect(buttons.map((button) => [button.action_id, button.value])).toEqual([
        ...(page > 1 ? [[`${homePageActionPrefix}previous`, String(page - 1)]] : []),
        ...(page < first.pageCount ? [[`${homePageActionPrefix}next`, String(page + 1)]] : []),
      ]);
      for (const match of textsOf(view.blocks).matchAll(/\* — `([^`]+)`/g)) seen.push(match[1] as string);
    }
    expect(seen.sort()).toEqual(crew.members.map((member) => member.name).sort());
    expect(textsOf(first.view.blocks)).toContain(`showing 1–${homePageSize} (page 1 of ${first.pageCount})`);
  });

  it('clamps a page out of range to the pages there are', () => {
    const crew = describeCrew(corpus);
    expect(buildAppHomeView(crew, { botHandle: '@a', page: 999 }).page).toBe(Math.ceil(crew.members.length / homePageSize));
    expect(buildAppHomeView(crew, { botHandle: '@a', page: Number.NaN }).page).toBe(1);
  });

  it('escapes agent-file text: no mention, broadcast or link can come from a file', () => {
    const registry = createAgentRegistry([
      makeAgent('tricky', {
        displayName: 'Tricky <!channel> & Co',
        description: 'Pings <!here> and <@U123> and <https://evil.example|docs>; ask @everyone.',
        suggestedPrompts: ['Is 1 < 2 && 3 > 2?'],
        iconEmoji: '<!channel>',
      }),
    ]);
    const text = textsOf(buildAppHomeView(describeCrew(registry), { botHandle: '@architect' }).view.blocks);
    expect(text).not.toMatch(/<[!@#]/);
    expect(text).not.toContain('<https://');
    expect(text).toContain('Tricky &lt;!channel&gt; &amp; Co');
    expect(text).toContain('Is 1 &lt; 2 &amp;&amp; 3 &gt; 2?');
    expect(text).toContain('@\u2060everyone');
  });

  it('bounds every text even when a file is huge', () => {
    const registry = createAgentRegistry([
      makeAgent('huge', { displayName: 'H'.repeat(500), description: 'x'.repeat(10_000), aliases: Array.from({ length: 300 }, (_, i) => `alias-${i}`), suggestedPrompts: ['q'.repeat(5_000)], crew: 'C'.repeat(400) }),
    ]);
    const { view } = buildAppHomeView(describeCrew(registry), { botHandle: '@architect' });
    expect(findViewBlockProblem(view.blocks)).toBeUndefined();
  });
});
