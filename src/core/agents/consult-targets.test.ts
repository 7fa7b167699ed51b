import { describe, expect, it } from 'vitest';
import { testAgent } from '../../../test/helpers/test-fixtures.js';
import { createAgentRegistry } from './agent-registry.js';
import { consultTargetsOf } from './consult-targets.js';
import { toolsOfAgent } from './tools-of-agent.js';

const architect = testAgent('backend-architect', ['architect']);
const security = testAgent('security-engineer', ['security']);
const sre = testAgent('sre');
const registry = createAgentRegistry([architect, security, sre]);
const names = (agent: ReturnType<typeof testAgent>) => consultTargetsOf(agent, registry).map((member) => member.name);

describe('consultTargetsOf', () => {
  it('reads Agent(a, b) by name or alias, Agent alone as any member, and the consults key; never the agent itself', () => {
    expect(names(testAgent('lead', [], { tools: ['Agent(security, sre)'] }))).toEqual(['security-engineer', 'sre']);
    expect(names(testAgent('lead', [], { tools: ['Agent'] }))).toEqual(['backend-architect', 'security-engineer', 'sre']);
    expect(names({ ...architect, consults: ['any'] })).toEqual(['security-engineer', 'sre']);
    expect(names(testAgent('lead', [], { consults: ['sre', 'nobody'] }))).toEqual(['sre']);
    expect(names(architect)).toEqual([]);
  });

  it('counts Agent(…) as an honoured tool for lint, and offers only web tools as tool definitions', () => {
    const tools = toolsOfAgent({ tools: ['Agent(sre)', 'WebSearch', 'Bash'] }, { webTools: true });
    expect(tools.honoured).toEqual(['Agent(sre)', 'WebSearch']);
    expect(tools.ignored).toEqual(['Bash']);
    expect(tools.offered).toEqual([{ kind: 'web-search', maxUses: 5 }]);
  });
});
