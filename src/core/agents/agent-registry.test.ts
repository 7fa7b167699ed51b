import { describe, expect, it } from 'vitest';
import { AgentNotFoundError, hasErrorCode } from '../errors.js';
import type { Agent } from './agent.js';
import { AgentFileError, NoDefaultAgentError, UnknownDefaultAgentError } from './agent-file-error.js';
import { createAgentRegistry } from './agent-registry.js';
import { measureEditDistance, suggestClosestName } from './suggest-closest-name.js';

function makeAgent(name: string, aliases: string[] = []): Agent {
  return {
    name,
    description: `The ${name} agent.`,
    prompt: `You are ${name}.`,
    model: 'inherit',
    aliases,
    displayName: name,
    suggestedPrompts: [],
    loadingMessages: [],
    tools: [],
    consults: [],
    sourceFile: `agents/${name}.md`,
  };
}

const architect = makeAgent('backend-architect', ['architect']);
const designer = makeAgent('ui-designer', ['designer', 'ux']);
const tester = makeAgent('api-tester');

describe('createAgentRegistry', () => {
  const registry = createAgentRegistry([architect, designer, tester]);

  it('lists the agents in the order given', () => {
    expect(registry.list()).toEqual([architect, designer, tester]);
  });

  it('finds by name or alias, ignoring case, spaces and a leading @', () => {
    expect(registry.find('backend-architect')).toBe(architect);
    expect(registry.find('Architect')).toBe(architect);
    expect(registry.find('  @UX ')).toBe(designer);
    expect(registry.find('@ api-tester')).toBe(tester);
    expect(registry.find('nobody')).toBeUndefined();
    expect(registry.find('')).toBeUndefined();
  });

  it('require() returns the agent or throws AgentNotFoundError with a suggestion', () => {
    expect(registry.require('@architect')).toBe(architect);
    const error: unknown = (() => {
      try {
        registry.require(' @architcet ');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AgentNotFoundError);
    expect(error).toMatchObject({ code: 'agent_not_found', requestedName: '@architcet', suggestion: 'architect' });
    expect(() => registry.require('zzzzzz')).toThrow(expect.objectContaining({ suggestion: undefined }));
  });

  it('suggest() returns the closest name or alias within the distance limit', () => {
    expect(registry.suggest('backend-architcet')).toBe('backend-architect');
    expect(registry.suggest('ui-desinger')).toBe('ui-designer');
    expect(registry.suggest('@Desiner')).toBe('designer');
    expect(registry.suggest('api-testers')).toBe('api-tester');
    expect(registry.suggest('ux')).toBe('ux');
    expect(registry.suggest('frontend')).toBeUndefined();
    expect(registry.suggest('')).toBeUndefined();
  });

  it('refuses agents that share a name or alias, naming both files', () => {
    expect(() => createAgentRegistry([architect, makeAgent('Backend-Architect')])).toThrow(AgentFileError);
    try {
      createAgentRegistry([architect, makeAgent('other', ['architect'])]);
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'agent_file_invalid')).toBe(true);
      expect((error as AgentFileError).problems).toEqual([
        {
          file: 'agents/other.md',
          field: 'aliases',
          reason: "'architect' is already used by 'backend-architect' in agents/backend-architect.md",
        },
      ]);
    }
  });
});

describe('defaultAgent', () => {
  it('uses the configured default, by name or alias', () => {
    expect(createAgentRegistry([architect, designer], { defaultAgentName: 'ui-designer' }).defaultAgent()).toBe(designer);
    expect(createAgentRegistry([architect, designer], { defaultAgentName: '@UX' }).defaultAgent()).toBe(designer);
  });

  it('fails at creation when the configured default names no agent: one short line with a did-you-mean', () => {
    expect(() => createAgentRegistry([architect, designer], { defaultAgentName: 'ui-desginer' })).toThrow(
      expect.objectContaining({
        code: 'default_agent_unknown',
        suggestion: 'ui-designer',
        message: "DEFAULT_AGENT 'ui-desginer' is not one of the 2 agents; did you mean 'ui-designer'?",
      }),
    );
    const many = Array.from({ length: 200 }, (_, index) => makeAgent(`pack-agent-${index}`));
    const error: unknown = (() => {
      try {
        createAgentRegistry(many, { defaultAgentName: 'quantum-poet' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownDefaultAgentError);
    expect((error as Error).message).toBe("DEFAULT_AGENT 'quantum-poet' is not one of the 200 agents (`crew agents` lists them)");
  });

  it('uses the only agent when there is one', () => {
    expect(createAgentRegistry([tester]).defaultAgent()).toBe(tester);
  });

  it('uses backend-architect among several agents', () => {
    expect(createAgentRegistry([designer, architect, tester]).defaultAgentChoice()).toEqual({ agent: architect, rule: 'fallback-name' });
  });

  it('says which rule chose the default: configured, the only agent', () => {
    expect(createAgentRegistry([architect, designer], { defaultAgentName: 'ux' }).defaultAgentChoice().rule).toBe('configured');
    expect(createAgentRegistry([tester]).defaultAgentChoice()).toEqual({ agent: tester, rule: 'only-agent' });
  });

  it('uses the first agent in the order given when several exist and no other rule fits (a big pack starts)', () => {
    expect(createAgentRegistry([designer, tester]).defaultAgentChoice()).toEqual({ agent: designer, rule: 'first-agent' });
    const many = Array.from({ length: 200 }, (_, index) => makeAgent(`pack-agent-${index}`));
    expect(createAgentRegistry(many).defaultAgent().name).toBe('pack-agent-0');
  });

  it('throws NoDefaultAgentError only when there are no agents', () => {
    expect(() => createAgentRegistry([]).defaultAgent()).toThrow(NoDefaultAgentError);
    expect(() => createAgentRegistry([]).defaultAgent()).toThrow(expect.objectContaining({ code: 'no_default_agent' }));
  });
});

describe('measureEditDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(measureEditDistance('', '')).toBe(0);
    expect(measureEditDistance('abc', '')).toBe(3);
    expect(measureEditDistance('', 'ab')).toBe(2);
    expect(measureEditDistance('kitten', 'sitting')).toBe(3);
    expect(measureEditDistance('architect', 'architcet')).toBe(1);
    expect(measureEditDistance('ab', 'ba')).toBe(1);
    expect(measureEditDistance('ca', 'abc')).toBe(3);
    expect(measureEditDistance('same', 'same')).toBe(0);
  });
});

describe('suggestClosestName', () => {
  it('allows max(2, length / 3) edits and prefers the closest, then the earliest candidate', () => {
    expect(suggestClosestName('ab', ['xy'])).toBe('xy');
    expect(suggestClosestName('ab', ['xyz'])).toBeUndefined();
    // 12 characters: up to 4 edits.
    expect(suggestClosestName('abcdefghijkl', ['abcdefghwxyz'])).toBe('abcdefghwxyz');
    expect(suggestClosestName('abcdefghijkl', ['abcdefgvwxyz'])).toBeUndefined();
    expect(suggestClosestName('tester', ['testers', 'tester2', 'tster'])).toBe('testers');
    expect(suggestClosestName('tester', ['taster', 'tester'])).toBe('tester');
    expect(suggestClosestName('x', [])).toBeUndefined();
  });
});
