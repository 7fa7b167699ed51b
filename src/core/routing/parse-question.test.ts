import { describe, expect, it } from 'vitest';
import { testAgent } from '../../../test/helpers/test-fixtures.js';
import { createAgentRegistry } from '../agents/agent-registry.js';
import { parseQuestion } from './parse-question.js';

const agent = testAgent;

const registry = createAgentRegistry([
  agent('backend-architect', ['architect']),
  agent('code-reviewer', ['reviewer', 'cr']),
  agent('data-engineer'),
]);

describe('parseQuestion', () => {
  it.each([
    ['backend-architect how should we shard?', 'backend-architect'],
    ['architect how should we shard?', 'backend-architect'],
    ['@architect how should we shard?', 'backend-architect'],
    ['architect: how should we shard?', 'backend-architect'],
    ['architect, how should we shard?', 'backend-architect'],
    ['ARCHITECT how should we shard?', 'backend-architect'],
    ['Backend-Architect how should we shard?', 'backend-architect'],
    ['  reviewer   how should we shard?  ', 'code-reviewer'],
    ['cr how should we shard?', 'code-reviewer'],
    ['data-engineer\nhow should we shard?', 'data-engineer'],
  ])('routes %j to %s with the rest as the question', (text, agentName) => {
    expect(parseQuestion(text, registry)).toEqual({ agentName, question: 'how should we shard?' });
  });

  it('keeps the whole text for the default agent when the first word names no agent', () => {
    expect(parseQuestion('  how should we shard?  ', registry)).toEqual({ question: 'how should we shard?' });
    expect(parseQuestion('architecture review please', registry)).toEqual({ question: 'architecture review please' });
  });

  it('only looks at the first word', () => {
    expect(parseQuestion('ask the architect about shards', registry)).toEqual({ question: 'ask the architect about shards' });
  });

  it('does not treat a word glued to punctuation as a name', () => {
    expect(parseQuestion('architect? anyone', registry)).toEqual({ question: 'architect? anyone' });
    expect(parseQuestion('architect:how', registry)).toEqual({ question: 'architect:how' });
  });

  it('returns an empty question when only an agent is named', () => {
    expect(parseQuestion('@architect', registry)).toEqual({ agentName: 'backend-architect', question: '' });
  });

  it('handles empty text', () => {
    expect(parseQuestion('   ', registry)).toEqual({ question: '' });
  });

  it('keeps the question text intact, including line breaks and code', () => {
    const text = 'reviewer check this:\n```\nif (a) {\n    b();\n}\n```';
    expect(parseQuestion(text, registry)).toEqual({
      agentName: 'code-reviewer',
      question: 'check this:\n```\nif (a) {\n    b();\n}\n```',
    });
  });
});
