import { describe, expect, it } from 'vitest';
import { createRecordingLogger, testAgent } from '../../../test/helpers/test-fixtures.js';
import { createMemoryChannelDefaults } from '../../adapters/memory/memory-channel-defaults.js';
import { createAgentRegistry } from '../agents/agent-registry.js';
import { changeChannelDefault, restoreChannelDefault } from './change-channel-default.js';
import { createChannelAgentReader } from './create-channel-agent-reader.js';
import { mayEditChannelDefault } from './may-edit-channel-default.js';

const channel = { teamId: 'T1', channelId: 'C1' };
const crew = [testAgent('backend-architect', ['architect']), testAgent('security-engineer', ['security'])];

function setUp(options: { editors?: string[]; agents?: typeof crew } = {}) {
  const registry = createAgentRegistry(options.agents ?? crew);
  const defaults = createMemoryChannelDefaults();
  const logger = createRecordingLogger();
  const reader = createChannelAgentReader({ defaults, registry, logger });
  const deps = { defaults, reader, registry, editors: { userIds: options.editors }, clock: { now: () => 1_764_633_600_000 } };
  return { registry, defaults, logger, reader, deps };
}

describe('mayEditChannelDefault', () => {
  it('lets anyone edit without a list (or with an empty one), and only the listed with one', () => {
    expect(mayEditChannelDefault({}, 'U1')).toBe(true);
    expect(mayEditChannelDefault({ userIds: [] }, 'U1')).toBe(true);
    expect(mayEditChannelDefault({ userIds: ['U2', 'W3'] }, 'W3')).toBe(true);
    expect(mayEditChannelDefault({ userIds: ['U2', 'W3'] }, 'U1')).toBe(false);
  });
});

describe('changeChannelDefault', () => {
  it('sets the default with who and when, then clears it', async () => {
    const { deps, defaults, reader } = setUp();
    const set = await changeChannelDefault(deps, { channel, userId: 'U1', change: { action: 'set', agentName: 'security-engineer' } });
    expect(set).toMatchObject({ status: 'set', agent: { name: 'security-engineer' } });
    expect(await defaults.get(channel)).toEqual({ agentName: 'security-engineer', setBy: 'U1', setAt: 1_764_633_600_000 });
    expect(await reader.read(channel)).toMatchObject({ source: 'channel', agent: { name: 'security-engineer' } });
    const cleared = await changeChannelDefault(deps, { channel, userId: 'U2', change: { action: 'clear' } });
    expect(cleared).toMatchObject({ status: 'cleared', previous: { agentName: 'security-engineer' }, fallback: { name: 'backend-architect' } });
    expect(await defaults.get(channel)).toBeUndefined();
  });

  it('says unchanged (nothing to announce) when it is already so', async () => {
    const { deps } = setUp();
    expect(await changeChannelDefault(deps, { channel, userId: 'U1', change: { action: 'clear' } })).toMatchObject({ status: 'unchanged' });
    await changeChannelDefault(deps, { channel, userId: 'U1', change: { action: 'set', agentName: 'security-engineer' } });
    expect(await changeChannelDefault(deps, { channel, userId: 'U2', change: { action: 'set', agentName: 'security' } })).toMatchObject({ status: 'unchanged' });
  });

  it('refuses someone not on the editors list and stores nothing', async () => {
    const { deps, defaults } = setUp({ editors: ['U9'] });
    const refused = await changeChannelDefault(deps, { channel, userId: 'U1', change: { action: 'set', agentName: 'security-engineer' } });
    expect(refused).toMatchObject({ status: 'refused', editors: ['U9'], current: { source: 'crew', agent: { name: 'backend-architect' } } });
    expect(await defaults.get(channel)).toBeUndefined();
    expect(await changeChannelDefault(deps, { channel, userId: 'U9', change: { action: 'set', agentName: 'security-engineer' } })).toMatchObject({ status: 'set' });
  });

  it('restores what a change replaced (an announcement that failed)', async () => {
    const { deps, defaults } = setUp();
    await changeChannelDefault(deps, { channel, userId: 'U1', change: { action: 'set', agentName: 'security-engineer' } });
    const replaced = await changeChannelDefault(deps, { channel, userId: 'U2', change: { action: 'set', agentName: 'backend-architect' } });
    expect(replaced.status).toBe('set');
    await restoreChannelDefault(defaults, channel, replaced.status === 'set' ? replaced.previous : undefined);
    expect(await defaults.get(channel)).toMatchObject({ agentName: 'security-engineer', setBy: 'U1' });
    await restoreChannelDefault(defaults, channel, undefined);
    expect(await defaults.get(channel)).toBeUndefined();
  });
});

describe('createChannelAgentReader', () => {
  it("falls back to the crew's default when the channel's agent left the crew, logs it once, and keeps the setting", async () => {
    const { defaults } = setUp();
    await defaults.set(channel, { agentName: 'retired-agent', setBy: 'U1', setAt: 1 });
    const registry = createAgentRegistry(crew);
    const logger = createRecordingLogger();
    const reader = createChannelAgentReader({ defaults, registry, logger });
    for (let index = 0; index < 3; index += 1) {
      expect(await reader.read(channel)).toMatchObject({ source: 'crew', agent: { name: 'backend-architect' }, stale: { agentName: 'retired-agent' } });
    }
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([
      expect.objectContaining({ context: expect.objectContaining({ channel: 'C1', agent: 'retired-agent', fallback: 'backend-architect' }) }),
    ]);
    expect(await defaults.get(channel)).toMatchObject({ agentName: 'retired-agent' });
  });
});
