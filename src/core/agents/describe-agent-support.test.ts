import { describe, expect, it } from 'vitest';
import { describeAgentSupport } from './describe-agent-support.js';

describe('describeAgentSupport', () => {
  it('sorts frontmatter keys into honoured, Claude Code only and unknown, and tools into run and ignored', () => {
    const support = describeAgentSupport(
      ['name', 'description', 'model', 'tools', 'permissionMode', 'hooks', 'isolation', 'color', 'x-owner'],
      ['Read', 'WebSearch'],
      { honouredTools: ['websearch'] },
    );
    expect(support).toEqual({
      honouredFields: ['name', 'description', 'model', 'tools'],
      ignoredFields: [
        { key: 'permissionMode', why: 'claude-code-only' },
        { key: 'hooks', why: 'claude-code-only' },
        { key: 'isolation', why: 'claude-code-only' },
        { key: 'color', why: 'claude-code-only' },
        { key: 'x-owner', why: 'unknown-key' },
      ],
      honouredTools: ['WebSearch'],
      ignoredTools: ['Read'],
    });
    expect(describeAgentSupport([], ['Read']).ignoredTools).toEqual(['Read']);
  });
});
