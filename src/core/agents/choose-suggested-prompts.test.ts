import { describe, expect, it } from 'vitest';
import type { Agent } from './agent.js';
import { chooseSuggestedPrompts, crewPrompt, maxPromptTitleChars } from './choose-suggested-prompts.js';

function makeAgent(fields: Partial<Agent>): Agent {
  return {
    name: 'backend-architect',
    description: 'Designs backends.',
    prompt: 'You design backends.',
    model: 'inherit',
    aliases: [],
    displayName: 'Backend Architect',
    suggestedPrompts: [],
    loadingMessages: [],
    tools: [],
    consults: [],
    sourceFile: 'agents/backend-architect.md',
    ...fields,
  };
}

describe('chooseSuggestedPrompts', () => {
  it("offers the agent's first three prompts and “Who is on the crew?”: four in all", () => {
    const long = 'Sketch a backend architecture for a multi-tenant SaaS app that will grow to 10k customers';
    const suggested = chooseSuggestedPrompts(makeAgent({ suggestedPrompts: [long, 'Review   my\nschema', 'Plan a migration', 'A fourth one'] }));
    expect(suggested.title).toBe('Ask Backend Architect');
    expect(suggested.prompts).toEqual([
      { title: 'Sketch a backend architecture for a multi-tenant SaaS app…', message: long },
      { title: 'Review my schema', message: 'Review my schema' },
      { title: 'Plan a migration', message: 'Plan a migration' },
      crewPrompt,
    ]);
    for (const prompt of suggested.prompts) expect(prompt.title.length).toBeLessThanOrEqual(maxPromptTitleChars);
  });

  it('offers the sample question when the agent has no prompts, and never the same prompt twice', () => {
    expect(chooseSuggestedPrompts(makeAgent({ displayName: 'SRE' })).prompts).toEqual([
      { title: 'What can you help me with as our SRE?', message: 'What can you help me with as our SRE?' },
      crewPrompt,
    ]);
    expect(chooseSuggestedPrompts(makeAgent({ suggestedPrompts: ['Same', 'Same', ' ', crewPrompt.message] })).prompts).toEqual([
      { title: 'Same', message: 'Same' },
      crewPrompt,
    ]);
  });
});
