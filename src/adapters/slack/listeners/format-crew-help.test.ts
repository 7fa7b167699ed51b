import { describe, expect, it } from 'vitest';
import { testAgent } from '../../../../test/helpers/test-fixtures.js';
import { createAgentRegistry } from '../../../core/agents/agent-registry.js';
import { formatAgentList, formatCrewHelp } from './format-crew-help.js';

const registry = createAgentRegistry([
  testAgent('backend-architect', ['architect'], { displayName: 'Backend Architect', tools: ['Agent(security-engineer)'] }),
  testAgent('security-engineer', ['security'], { displayName: 'Security Engineer' }),
]);

describe('the crew list (/crew list, /crew help)', () => {
  it('shows each member with its aliases and description, and whom it consults', () => {
    const list = formatAgentList(registry);
    expect(list).toContain('• *Backend Architect* — `backend-architect` (also `architect`)');
    expect(list).toContain('_consults Security Engineer_');
    expect(list.split('\n').filter((line) => line.includes('consults'))).toHaveLength(1);
  });

  it('names the bot as Slack knows it', () => {
    expect(formatCrewHelp(registry, '@crewbot')).toContain('`@crewbot <question>`');
  });

  it('groups members by their crew, members without one last', () => {
    const grouped = createAgentRegistry([
      testAgent('backend-architect', [], { displayName: 'Backend Architect', crew: 'Engineering Crew' }),
      testAgent('copywriter', [], { displayName: 'Copywriter' }),
      testAgent('sre', [], { displayName: 'SRE', crew: 'Engineering Crew' }),
    ]);
    const list = formatAgentList(grouped);
    expect(list.split('\n').filter((line) => line.startsWith('*'))).toEqual(['*Engineering Crew*', '*Other members*']);
    expect(list.indexOf('SRE')).toBeLessThan(list.indexOf('Copywriter'));
  });
});
