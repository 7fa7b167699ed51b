import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import type { Clock } from '../shared/ports.js';
import type { ChannelAgentChoice, ChannelAgentReader } from './create-channel-agent-reader.js';
import { mayEditChannelDefault, type ChannelDefaultEditors } from './may-edit-channel-default.js';
import type { ChannelDefault, ChannelDefaults, ChannelKey } from './ports.js';

/** What `/crew use …` asks to change. */
export type ChannelDefaultChange = { action: 'set'; agentName: string } | { action: 'clear' };

/** What became of a change; only `set` and `cleared` stored anything. */
export type ChannelDefaultOutcome =
  | { status: 'refused'; editors: readonly string[]; current: ChannelAgentChoice }
  | { status: 'unchanged'; current: ChannelAgentChoice }
  | { status: 'set'; agent: Agent; previous?: ChannelDefault }
  | { status: 'cleared'; previous: ChannelDefault; fallback: Agent };

/** What a change needs; wired once. */
export interface ChannelDefaultChangeOptions {
  defaults: ChannelDefaults;
  reader: ChannelAgentReader;
  registry: AgentRegistry;
  editors: ChannelDefaultEditors;
  clock: Clock;
}

/**
 * Sets or clears a channel's default agent for `userId`: refused (nothing stored) when the
 * editors policy does not list them; `unchanged` when it is already so (nothing to announce).
 * @throws AgentNotFoundError when `set` names no agent of the crew (the parser resolves names first).
 */
export async function changeChannelDefault(
  options: ChannelDefaultChangeOptions,
  request: { channel: ChannelKey; userId: string; change: ChannelDefaultChange },
): Promise<ChannelDefaultOutcome> {
  const { defaults, reader, registry, editors, clock } = options;
  const { channel, userId, change } = request;
  const current = await reader.read(channel);
  if (!mayEditChannelDefault(editors, userId)) return { status: 'refused', editors: editors.userIds ?? [], current };
  const stored = current.source === 'channel' ? current.setting : current.stale;
  if (change.action === 'clear') {
    if (stored === undefined) return { status: 'unchanged', current };
    await defaults.clear(channel);
    return { status: 'cleared', previous: stored, fallback: registry.defaultAgent() };
  }
  const agent = registry.require(change.agentName);
  if (current.source === 'channel' && current.agent.name === agent.name) return { status: 'unchanged', current };
  await defaults.set(channel, { agentName: agent.name, setBy: userId, setAt: clock.now() });
  return { status: 'set', agent, ...(stored ? { previous: stored } : {}) };
}

/** Puts back what a change replaced (the change could not be announced, so it must not stand). */
export async function restoreChannelDefault(defaults: ChannelDefaults, channel: ChannelKey, previous: ChannelDefault | undefined): Promise<void> {
  await (previous ? defaults.set(channel, previous) : defaults.clear(channel));
}
