import { describe, expect, it } from 'vitest';
import { testAgent } from '../../../test/helpers/test-fixtures.js';
import { createAgentRegistry } from '../agents/agent-registry.js';
import { parseCrewCommand } from './parse-crew-command.js';

const agent = testAgent;

const registry = createAgentRegistry([
  agent('backend-architect', ['architect']),
  agent('code-reviewer', ['reviewer', 'cr']),
  agent('data-engineer'),
]);

describe('parseCrewCommand', () => {
  it.each(['', '   ', 'help', 'HELP', '--help', '-h', '?'])('shows help for %j', (text) => {
    expect(parseCrewCommand(text, registry)).toEqual({ kind: 'help' });
  });

  it.each(['list', 'List', 'agents', 'ls', '  list  '])('lists agents for %j', (text) => {
    expect(parseCrewCommand(text, registry)).toEqual({ kind: 'list' });
  });

  it('asks the named agent by name, alias, @alias or "alias:"', () => {
    for (const text of [
      'backend-architect how should we shard?',
      'architect how should we shard?',
      '@architect how should we shard?',
      'architect: how should we shard?',
      'Architect how should we shard?',
    ]) {
      expect(parseCrewCommand(text, registry)).toEqual({
        kind: 'ask',
        agentName: 'backend-architect',
        question: 'how should we shard?',
      });
    }
  });

  it('reports a missing question when only an agent is named', () => {
    expect(parseCrewCommand('backend-architect', registry)).toEqual({
      kind: 'missing-question',
      agentName: 'backend-architect',
    });
    expect(parseCrewCommand('  @reviewer  ', registry)).toEqual({ kind: 'missing-question', agentName: 'code-reviewer' });
  });

  it('suggests the closest agent for a typo', () => {
    expect(parseCrewCommand('backend-architec how should we shard?', registry)).toEqual({
      kind: 'unknown-agent',
      requestedName: 'backend-architec',
      suggestion: 'backend-architect',
    });
    expect(parseCrewCommand('data-enginer q', registry)).toEqual({
      kind: 'unknown-agent',
      requestedName: 'data-enginer',
      suggestion: 'data-engineer',
    });
  });

  it('reports an agent-shaped name that is not in the crew, without a suggestion', () => {
    const parsed = parseCrewCommand('security-auditor is this safe?', registry);
    expect(parsed).toEqual({ kind: 'unknown-agent', requestedName: 'security-auditor', suggestion: undefined });
  });

  it('sends plain questions to the default agent with the full text', () => {
    expect(parseCrewCommand('how should we shard?', registry)).toEqual({
      kind: 'ask',
      agentName: 'backend-architect',
      question: 'how should we shard?',
      byDefault: true,
    });
    expect(parseCrewCommand('  Why is   the queue slow?  ', registry)).toEqual({
      kind: 'ask',
      agentName: 'backend-architect',
      question: 'Why is   the queue slow?',
      byDefault: true,
    });
  });

  it('uses the configured default agent for plain questions', () => {
    const withDefault = createAgentRegistry([agent('backend-architect', ['architect']), agent('data-engineer')], {
      defaultAgentName: 'data-engineer',
    });
    expect(parseCrewCommand('how should we shard?', withDefault)).toEqual({
      kind: 'ask',
      agentName: 'data-engineer',
      question: 'how should we shard?',
      byDefault: true,
    });
  });

  it("keeps the question's line breaks and indentation when an agent is named", () => {
    expect(parseCrewCommand('reviewer check this:\n```\nif (a) {\n    b();\n}\n```', registry)).toEqual({
      kind: 'ask',
      agentName: 'code-reviewer',
      question: 'check this:\n```\nif (a) {\n    b();\n}\n```',
    });
    expect(parseCrewCommand('reviewer\nline one\n  line two', registry)).toEqual({
      kind: 'ask',
      agentName: 'code-reviewer',
      question: 'line one\n  line two',
    });
  });

  it('does not read a short ordinary word as a mistyped short alias', () => {
    // "is", "do" and "or" are all within two edits of the alias "cr".
    for (const text of ['is this cache safe?', 'do we need Kafka?', 'or should we use SQS?']) {
      expect(parseCrewCommand(text, registry)).toEqual({ kind: 'ask', agentName: 'backend-architect', question: text, byDefault: true });
    }
  });

  it('still catches a typo of a longer alias', () => {
    expect(parseCrewCommand('reviwer look at this', registry)).toEqual({
      kind: 'unknown-agent',
      requestedName: 'reviwer',
      suggestion: 'reviewer',
    });
    expect(parseCrewCommand('@Architcet: shards?', registry)).toEqual({
      kind: 'unknown-agent',
      requestedName: 'Architcet',
      suggestion: 'architect',
    });
  });

  describe('/crew use', () => {
    it('shows with `use` alone and clears with `use default`', () => {
      expect(parseCrewCommand('use', registry)).toEqual({ kind: 'use', action: 'show' });
      expect(parseCrewCommand('  USE  ', registry)).toEqual({ kind: 'use', action: 'show' });
      expect(parseCrewCommand('use default', registry)).toEqual({ kind: 'use', action: 'clear' });
      expect(parseCrewCommand('use Default', registry)).toEqual({ kind: 'use', action: 'clear' });
    });

    it('sets the agent named by its name, an alias, @alias or its display name', () => {
      for (const text of ['use data-engineer', 'use @data-engineer', 'use Data-Engineer']) {
        expect(parseCrewCommand(text, registry)).toEqual({ kind: 'use', action: 'set', agentName: 'data-engineer' });
      }
      expect(parseCrewCommand('use reviewer', registry)).toEqual({ kind: 'use', action: 'set', agentName: 'code-reviewer' });
      const named = createAgentRegistry([testAgent('security-engineer', ['security'], { displayName: 'Security Engineer' }), agent('backend-architect')]);
      expect(parseCrewCommand('use security engineer', named)).toEqual({ kind: 'use', action: 'set', agentName: 'security-engineer' });
    });

    it('reports one unknown word as an unknown agent, with a suggestion when it is a near miss', () => {
      expect(parseCrewCommand('use data-enginer', registry)).toEqual({ kind: 'unknown-agent', requestedName: 'data-enginer', suggestion: 'data-engineer' });
      expect(parseCrewCommand('use nobody', registry)).toEqual({ kind: 'unknown-agent', requestedName: 'nobody', suggestion: undefined });
    });

    it('leaves a question that starts with "use" a question, and `usage` the usage report', () => {
      expect(parseCrewCommand('use redis or postgres for the queue?', registry)).toEqual({
        kind: 'ask',
        agentName: 'backend-architect',
        question: 'use redis or postgres for the queue?',
        byDefault: true,
      });
      expect(parseCrewCommand('usage', registry)).toEqual({ kind: 'usage' });
      expect(parseCrewCommand('user-research plan?', registry)).toMatchObject({ kind: 'unknown-agent', requestedName: 'user-research' });
    });
  });
});
