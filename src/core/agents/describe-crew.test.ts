import { describe, expect, it } from 'vitest';
import type { Agent } from './agent.js';
import { createAgentRegistry } from './agent-registry.js';
import { describeCrew, sampleQuestionOf, shortenText, summarizeDescription } from './describe-crew.js';

function makeAgent(name: string, fields: Partial<Agent> = {}): Agent {
  return {
    name,
    description: `The ${name} agent.`,
    prompt: `You are ${name}.`,
    model: 'inherit',
    aliases: [],
    displayName: name,
    suggestedPrompts: [],
    loadingMessages: [],
    tools: [],
    consults: [],
    sourceFile: `agents/${name}.md`,
    ...fields,
  };
}

describe('describeCrew', () => {
  const architect = makeAgent('backend-architect', {
    aliases: ['architect'],
    displayName: 'Backend Architect',
    crew: 'Engineering Crew',
    iconEmoji: ':building_construction:',
    suggestedPrompts: ['  Review my schema  ', 'Plan a migration'],
    tools: ['Agent(sre, security)'],
  });
  const sre = makeAgent('sre', { displayName: 'SRE', consults: ['any'] });
  const security = makeAgent('security', { displayName: 'Security Engineer' });

  it('describes every member in registry order: names, aliases, summary, consults, a sample question, the default', () => {
    const crew = describeCrew(createAgentRegistry([architect, sre, security]));
    expect(crew.defaultAgentName).toBe('backend-architect');
    expect(crew.members).toEqual([
      {
        name: 'backend-architect',
        displayName: 'Backend Architect',
        aliases: ['architect'],
        iconEmoji: ':building_construction:',
        crew: 'Engineering Crew',
        summary: 'The backend-architect agent.',
        consults: ['SRE', 'Security Engineer'],
        consultsEveryone: true,
        sampleQuestion: 'Review my schema',
        isDefault: true,
      },
      {
        name: 'sre',
        displayName: 'SRE',
        aliases: [],
        summary: 'The sre agent.',
        consults: ['Backend Architect', 'Security Engineer'],
        consultsEveryone: true,
        sampleQuestion: 'What can you help me with as our SRE?',
        isDefault: false,
      },
      {
        name: 'security',
        displayName: 'Security Engineer',
        aliases: [],
        summary: 'The security agent.',
        consults: [],
        consultsEveryone: false,
        sampleQuestion: 'What can you help me with as our Security Engineer?',
        isDefault: false,
      },
    ]);
  });

  it('names a configured default', () => {
    const crew = describeCrew(createAgentRegistry([architect, sre], { defaultAgentName: 'sre' }));
    expect(crew.members.map((member) => member.isDefault)).toEqual([false, true]);
  });
});

describe('summarizeDescription', () => {
  it('keeps the description up to its worked examples, on one line', () => {
    const description = 'Use this agent when creating visual narratives.\n  It designs infographics. Examples:\\n\\n<example>\nContext: onboarding\nuser: "Explain it"\n</example>';
    expect(summarizeDescription(description)).toBe('Use this agent when creating visual narratives. It designs infographics.');
    expect(summarizeDescription('Plans migrations.\\n\\n<example>user: "x"</example>')).toBe('Plans migrations.');
    expect(summarizeDescription('<example>only examples</example>')).toBe('<example>only examples</example>');
  });

  it('cuts a long description at a word, within the bound', () => {
    const summary = summarizeDescription('word '.repeat(200), 50);
    expect(summary.length).toBeLessThanOrEqual(50);
    expect(summary).toMatch(/^(word )+word…$/);
  });
});

describe('shortenText', () => {
  it('leaves short text alone and counts UTF-16 units as Slack does, never splitting a character', () => {
    expect(shortenText('short', 10)).toBe('short');
    const emoji = '🚀'.repeat(100);
    const cut = shortenText(emoji, 151);
    expect(cut.length).toBeLessThanOrEqual(151);
    expect(cut).toBe(`${'🚀'.repeat(75)}…`);
  });
});

describe('sampleQuestionOf', () => {
  it('is the first non-blank suggested prompt, else a question made from the display name', () => {
    expect(sampleQuestionOf(makeAgent('a', { suggestedPrompts: [' ', 'Second'] }))).toBe('Second');
    expect(sampleQuestionOf(makeAgent('a', { displayName: 'Data Engineer' }))).toBe('What can you help me with as our Data Engineer?');
  });
});
