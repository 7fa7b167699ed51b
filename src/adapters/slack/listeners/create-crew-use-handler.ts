import type { WebClient } from '@slack/web-api';
import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import { changeChannelDefault, restoreChannelDefault, type ChannelDefaultChange } from '../../../core/channels/change-channel-default.js';
import type { ChannelAgentReader } from '../../../core/channels/create-channel-agent-reader.js';
import { mayEditChannelDefault, type ChannelDefaultEditors } from '../../../core/channels/may-edit-channel-default.js';
import type { ChannelDefaults, ChannelKey } from '../../../core/channels/ports.js';
import { decideAccess, describeRefusal, type AccessPolicy } from '../../../core/intake/access-policy.js';
import { describeErrorForUser } from '../../../core/reply/describe-error-for-user.js';
import type { Clock, Logger } from '../../../core/shared/ports.js';
import { readSlackError } from '../read-slack-error.js';
import { callSlack } from '../slack-call.js';
import {
  formatChannelDefault,
  formatClearAnnouncement,
  formatDirectMessageDefault,
  formatEditRefused,
  formatHelpLine,
  formatNotAnnounced,
  formatSetAnnouncement,
  formatUnchanged,
} from './format-channel-default.js';

/** What `/crew use` needs; wired once. */
export interface CrewUseOptions {
  registry: AgentRegistry;
  defaults: ChannelDefaults;
  /** Shared with the intake (so a stale default is logged once, not once per surface). */
  reader: ChannelAgentReader;
  /** `CHANNEL_DEFAULT_EDITORS`. */
  editors: ChannelDefaultEditors;
  logger: Logger;
  clock: Clock;
  botHandle: () => string;
  /** The same allowlists as questions: who the crew does not answer cannot steer it either. */
  accessPolicy?: AccessPolicy;
  onSlackError?: (method: string, code: string) => void;
}

/** The fields of a slash command `/crew use` reads. */
export interface CrewUseCommand {
  team_id: string;
  channel_id: string;
  user_id: string;
}

/** The ephemeral response to a slash command (undefined: an empty acknowledgement). */
export type CommandResponse = { response_type: 'ephemeral'; text: string } | undefined;

/** `/crew use`: show, set or clear the channel's default agent; and the `/crew help` line about it. */
export interface CrewUseHandler {
  reply(command: CrewUseCommand, client: WebClient, request: { action: 'show' } | ChannelDefaultChange): Promise<CommandResponse>;
  /** The help line for this conversation; undefined when the store cannot be read (help still shows). */
  describeForHelp(command: CrewUseCommand): Promise<string | undefined>;
}

const ephemeral = (text: string): CommandResponse => ({ response_type: 'ephemeral', text });

/**
 * Creates the handler. A change is stored, then announced in the channel by the bot; when the
 * announcement cannot be posted (e.g. the bot is not in the channel) the change is undone, so a
 * default never changes without the channel being told. Show, refusals and errors are private.
 */
export function createCrewUseHandler(options: CrewUseOptions): CrewUseHandler {
  const { registry, defaults, reader, editors, logger } = options;

  async function announce(client: WebClient, channelId: string, text: string): Promise<string | undefined> {
    try {
      await callSlack(client, 'chat.postMessage', { channel: channelId, text, unfurl_links: false }, { logger, maxAttempts: 2, maxRetryAfterMs: 1000, onError: options.onSlackError });
      return undefined;
    } catch (error) {
      return readSlackError(error).code;
    }
  }

  async function change(command: CrewUseCommand, client: WebClient, request: ChannelDefaultChange, channel: ChannelKey): Promise<CommandResponse> {
    const context = { team: channel.teamId, channel: channel.channelId, user: command.user_id };
    const outcome = await changeChannelDefault({ defaults, reader, registry, editors, clock: options.clock }, { channel, userId: command.user_id, change: request });
    if (outcome.status === 'refused') {
      logger.info({ ...context, action: request.action }, 'channel default change refused: not on CHANNEL_DEFAULT_EDITORS');
      return ephemeral(formatEditRefused(outcome.editors, outcome.current));
    }
    if (outcome.status === 'unchanged') return ephemeral(formatUnchanged(request.action, outcome.current));
    const text = outcome.status === 'set' ? formatSetAnnouncement(command.user_id, outcome.agent) : formatClearAnnouncement(command.user_id, outcome.fallback);
    const failed = await announce(client, channel.channelId, text);
    if (failed !== undefined) {
      await restoreChannelDefault(defaults, channel, outcome.previous);
      logger.warn({ ...context, code: failed }, 'could not announce the channel default change; undone');
      return ephemeral(formatNotAnnounced(failed, options.botHandle()));
    }
    logger.info(
      { ...context, agent: outcome.status === 'set' ? outcome.agent.name : undefined, previous: outcome.previous?.agentName },
      outcome.status === 'set' ? 'channel default agent set' : 'channel default agent cleared',
    );
    // The announcement is what the person sees: nothing more to say privately.
    return undefined;
  }

  return {
    async reply(command, client, request) {
      const channel = { teamId: command.team_id, channelId: command.channel_id };
      const isDirectMessage = command.channel_id.startsWith('D');
      const access = decideAccess(options.accessPolicy ?? {}, { teamId: channel.teamId, channelId: channel.channelId, userId: command.user_id, isDirectMessage });
      if (!access.allowed) return access.reply === 'none' ? undefined : ephemeral(describeRefusal(access.reason));
      // DMs keep DEFAULT_AGENT: a DM is one person's, and a default there would hide who answers.
      if (isDirectMessage) return ephemeral(formatDirectMessageDefault(registry.defaultAgent()));
      try {
        if (request.action === 'show') {
          const choice = await reader.read(channel);
          const allowed = mayEditChannelDefault(editors, command.user_id);
          return ephemeral(formatChannelDefault(choice, registry.defaultAgent(), { allowed, editors: editors.userIds ?? [] }));
        }
        return await change(command, client, request, channel);
      } catch (error) {
        logger.warn({ team: channel.teamId, channel: channel.channelId, action: request.action, err: error }, 'could not read or change the channel default');
        return ephemeral(describeErrorForUser(error));
      }
    },
    async describeForHelp(command) {
      if (command.channel_id.startsWith('D')) return formatHelpLine(undefined, registry.defaultAgent());
      try {
        return formatHelpLine(await reader.read({ teamId: command.team_id, channelId: command.channel_id }), registry.defaultAgent());
      } catch (error) {
        logger.warn({ team: command.team_id, channel: command.channel_id, err: error }, 'could not read the channel default for /crew help');
        return undefined;
      }
    },
  };
}
