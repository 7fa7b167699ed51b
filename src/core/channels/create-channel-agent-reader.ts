import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import type { Logger } from '../shared/ports.js';
import { rememberRecentIds } from '../shared/remember-recent-ids.js';
import type { ChannelDefault, ChannelDefaults, ChannelKey } from './ports.js';

/**
 * Which agent a question that names none reaches in a channel: the channel's default (`channel`),
 * or the crew's `DEFAULT_AGENT` (`crew`) — also when the channel's default names an agent that has
 * since left the crew (`stale` keeps that setting, so `/crew use` can say so).
 */
export type ChannelAgentChoice =
  | { source: 'channel'; agent: Agent; setting: ChannelDefault }
  | { source: 'crew'; agent: Agent; stale?: ChannelDefault };

/** Reads a channel's agent; wired once and shared by the intake and `/crew use`. */
export interface ChannelAgentReader {
  /** The agent for `channel`. */
  read(channel: ChannelKey): Promise<ChannelAgentChoice>;
}

/** Options of {@link createChannelAgentReader}. */
export interface ChannelAgentReaderOptions {
  defaults: ChannelDefaults;
  registry: AgentRegistry;
  logger: Logger;
}

/** How long a stale default is remembered as already logged (per process, per channel). */
const staleLogTtlMs = 24 * 60 * 60 * 1000;

/** Resolves a stored default through the registry (pure). */
export function resolveChannelAgent(registry: AgentRegistry, setting: ChannelDefault | undefined): ChannelAgentChoice {
  if (setting === undefined) return { source: 'crew', agent: registry.defaultAgent() };
  const agent = registry.find(setting.agentName);
  return agent ? { source: 'channel', agent, setting } : { source: 'crew', agent: registry.defaultAgent(), stale: setting };
}

/**
 * Creates the reader. A default whose agent left the crew (its file was removed) falls back to
 * the crew's default agent and is logged once a day per channel and process, not on every
 * question; it stays stored until someone changes or clears it, so putting the file back restores it.
 */
export function createChannelAgentReader(options: ChannelAgentReaderOptions): ChannelAgentReader {
  const { defaults, registry, logger } = options;
  const loggedStale = rememberRecentIds({ ttlMs: staleLogTtlMs });
  return {
    async read(channel) {
      const choice = resolveChannelAgent(registry, await defaults.get(channel));
      if (choice.source === 'crew' && choice.stale && loggedStale.rememberFirst(`${channel.teamId}:${channel.channelId}:${choice.stale.agentName}`)) {
        logger.warn(
          { team: channel.teamId, channel: channel.channelId, agent: choice.stale.agentName, fallback: choice.agent.name },
          "the channel's default agent is no longer in the crew; answering with the crew's default agent",
        );
      }
      return choice;
    },
  };
}
