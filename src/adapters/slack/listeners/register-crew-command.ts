import type { App } from '@slack/bolt';
import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import { decideAccess, describeRefusal, type AccessPolicy } from '../../../core/intake/access-policy.js';
import type { OpenedThread, QuestionRequest } from '../../../core/intake/question-request.js';
import type { QuestionIntake } from '../../../core/intake/submit-question.js';
import type { Clock, Logger } from '../../../core/shared/ports.js';
import { describeErrorForUser } from '../../../core/reply/describe-error-for-user.js';
import { parseCrewCommand } from '../../../core/routing/parse-crew-command.js';
import { markdownToMrkdwn } from '../markdown-to-mrkdwn.js';
import { readSlackError } from '../read-slack-error.js';
import { renderSlackMarkup } from '../render-slack-markup.js';
import { callSlack } from '../slack-call.js';
import { escapeSlackText, mentionUser } from '../sanitize-outbound-text.js';
import { formatAgentList, formatCrewHelp, formatUnknownAgent } from './format-crew-help.js';
import type { CrewUseHandler } from './create-crew-use-handler.js';

/** Dependencies of the `/crew` command. */
export interface CrewCommandOptions {
  registry: AgentRegistry;
  intake: QuestionIntake;
  logger: Logger;
  clock: Clock;
  /** How the bot is addressed (`@` + its real name). */
  botHandle: () => string;
  /** Who may see the crew's usage (the same allowlists as questions). */
  accessPolicy?: AccessPolicy;
  /** `/crew usage`: today's use against the daily budgets. */
  describeUsage?: (scopes: { teamId: string; channelId: string }, isDirectMessage: boolean) => Promise<string>;
  onSlackError?: (method: string, code: string) => void;
  /** `/crew use`: the channel's default agent (absent: every channel uses the crew's default). */
  channelUse?: CrewUseHandler;
}

const notInChannelHint = (handle: string) =>
  `I'm not in this channel yet, so I can't post the answer here. Invite me with \`/invite ${handle}\`, then run the command again.`;
const cannotPostHint = (handle: string) =>
  `I can't post in this conversation. Use \`/crew\` in a channel I'm in (invite me with \`/invite ${handle}\`), or send me a DM.`;

function ephemeral(text: string) {
  return { response_type: 'ephemeral' as const, text };
}

/**
 * `/crew [agent] <question>`: posts a root message that shows who asked which agent what,
 * queues the question to be answered in its thread, then acknowledges. Help, the agent list
 * and every error are ephemeral and never call the model.
 */
export function registerCrewCommand(app: App, options: CrewCommandOptions): void {
  const { registry, logger } = options;

  /** `/crew usage`, ephemeral: today's use, for people the crew would answer here. */
  async function usageReply(command: { team_id: string; channel_id: string; user_id: string }) {
    const isDirectMessage = command.channel_id.startsWith('D');
    const access = decideAccess(options.accessPolicy ?? {}, { teamId: command.team_id, channelId: command.channel_id, userId: command.user_id, isDirectMessage });
    if (!access.allowed) return access.reply === 'none' ? undefined : ephemeral(describeRefusal(access.reason));
    if (!options.describeUsage) return ephemeral('Usage is not tracked in this setup.');
    try {
      return ephemeral(await options.describeUsage({ teamId: command.team_id, channelId: command.channel_id }, isDirectMessage));
    } catch (error) {
      logger.warn({ channel: command.channel_id, err: error }, 'could not read the crew usage');
      return ephemeral(describeErrorForUser(error));
    }
  }

  app.command('/crew', async ({ command, ack, client }) => {
    const parsed = parseCrewCommand(renderSlackMarkup(command.text), registry);
    const context = { team: command.team_id, channel: command.channel_id, command: parsed.kind };
    switch (parsed.kind) {
      case 'help':
        await ack(ephemeral(formatCrewHelp(registry, options.botHandle(), await options.channelUse?.describeForHelp(command))));
        return;
      case 'list':
        await ack(ephemeral(`*The crew*\n${formatAgentList(registry)}`));
        return;
      case 'usage':
        await ack(await usageReply(command));
        return;
      case 'unknown-agent':
        logger.info({ ...context, requestedName: parsed.requestedName }, 'unknown agent in /crew');
        await ack(ephemeral(formatUnknownAgent(registry, parsed.requestedName, parsed.suggestion)));
        return;
      case 'missing-question':
        await ack(ephemeral(`Add your question after the agent's name: \`/crew ${parsed.agentName} how should we model refunds?\``));
        return;
      case 'use':
        await ack(options.channelUse ? await options.channelUse.reply(command, client, parsed) : ephemeral('Channel defaults are not available in this setup.'));
        return;
      case 'ask':
        break;
    }

    const notes: string[] = [];
    const isDirectMessage = command.channel_id.startsWith('D');
    let rootTs: string | undefined;
    const openThread = async (question: string, agentName: string): Promise<OpenedThread> => {
      const agent = registry.find(agentName) ?? registry.defaultAgent();
      const quoted = question
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
      try {
        const posted = await callSlack<{ ts: string }>(
          client,
          'chat.postMessage',
          {
            channel: command.channel_id,
            // The asker's mention is the bot's own markup, composed after the question is sanitized.
            text: `${mentionUser(command.user_id)} asked *${escapeSlackText(agent.displayName)}*:\n${markdownToMrkdwn(quoted)}`,
            username: agent.displayName,
            ...(agent.iconEmoji ? { icon_emoji: agent.iconEmoji } : {}),
            unfurl_links: false,
          },
          { logger, maxAttempts: 2, maxRetryAfterMs: 1000, onError: options.onSlackError },
        );
        rootTs = posted.ts;
        return { threadTs: posted.ts };
      } catch (error) {
        const { code } = readSlackError(error);
        logger.warn({ ...context, code }, 'could not post /crew root message');
        const hint = code === 'not_in_channel' ? notInChannelHint(options.botHandle()) : code === 'channel_not_found' ? cannotPostHint(options.botHandle()) : undefined;
        return { refusal: hint ?? `I couldn't post your question here (Slack said \`${code}\`). Please try again.` };
      }
    };
    const triggerId = command.trigger_id ?? `${command.user_id}-${options.clock.now()}`;
    const request: QuestionRequest = {
      source: 'command',
      jobId: `${command.channel_id}-command-${triggerId}`,
      teamId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
      isDirectMessage,
      text: parsed.question,
      // Naming no agent leaves the choice to the intake: the channel's default, else the crew's.
      agent: { parse: false, agentName: parsed.byDefault ? undefined : parsed.agentName },
      // Claimed before the root message is posted: a replayed command posts nothing.
      deliveryIds: [`command:${triggerId}`],
      eventId: triggerId,
      receivedAt: options.clock.now(),
      // The asker hears back in the command's ephemeral response.
      replies: { tellPrivately: async (text) => void notes.push(text) },
      openThread,
    };
    try {
      await options.intake.submit(request);
    } catch (error) {
      logger.error({ ...context, err: error }, 'could not queue /crew question');
      if (notes.length === 0) notes.push(describeErrorForUser(error));
      if (rootTs !== undefined) {
        await callSlack(
          client,
          'chat.postMessage',
          { channel: command.channel_id, thread_ts: rootTs, text: `⚠️ ${markdownToMrkdwn(describeErrorForUser(error))}` },
          { logger, maxAttempts: 1 },
        ).catch(() => undefined);
      }
    }
    // A workspace that is not on the list hears nothing (an empty ack shows nothing).
    await (notes.length > 0 ? ack(ephemeral(notes.join('\n\n'))) : ack());
  });
}

