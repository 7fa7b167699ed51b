import type { App } from '@slack/bolt';
import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import { decideAccess, describeRefusal, type AccessPolicy, type RefusalReason } from '../../../core/intake/access-policy.js';
import { cutWithoutSplittingCharacters } from '../../../core/intake/create-question-handler.js';
import type { QuestionIntake } from '../../../core/intake/create-question-intake.js';
import type { Clock, Logger } from '../../../core/shared/ports.js';
import type { RateLimit, RateLimiter } from '../../../core/intake/ports.js';
import type { TurnJob } from '../../../core/queue/turn-job.js';
import { describeErrorForUser } from '../../../core/reply/describe-error-for-user.js';
import { parseCrewCommand } from '../../../core/routing/parse-crew-command.js';
import { markdownToMrkdwn } from '../markdown-to-mrkdwn.js';
import { readSlackError } from '../read-slack-error.js';
import { renderSlackMarkup } from '../render-slack-markup.js';
import { callSlack } from '../slack-call.js';
import { formatAgentList, formatCrewHelp, formatUnknownAgent } from './format-crew-help.js';

/** Dependencies of the `/crew` command. */
export interface CrewCommandOptions {
  registry: AgentRegistry;
  intake: QuestionIntake;
  logger: Logger;
  clock: Clock;
  botHandle: string;
  maxQuestionChars: number;
  onSlackError?: (method: string, code: string) => void;
  /** Who may ask (default: everyone). */
  accessPolicy?: AccessPolicy;
  /** Per-person limit; off when absent or when `perMinute` is 0. */
  rateLimiter?: RateLimiter;
  rateLimit?: RateLimit;
  /** A question was refused before reaching the model (metrics). */
  onRefused?: (agentName: string, reason: RefusalReason) => void;
}

const notInChannelHint =
  "I'm not in this channel yet, so I can't post the answer here. Invite me with `/invite @architect`, then run the command again.";
const cannotPostHint =
  "I can't post in this conversation. Use `/crew` in a channel I'm in (invite me with `/invite @architect`), or send me a DM.";

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

  app.command('/crew', async ({ command, ack, client }) => {
    const parsed = parseCrewCommand(renderSlackMarkup(command.text), registry);
    const context = { team: command.team_id, channel: command.channel_id, command: parsed.kind };
    switch (parsed.kind) {
      case 'help':
        await ack(ephemeral(formatCrewHelp(registry, options.botHandle)));
        return;
      case 'list':
        await ack(ephemeral(`*The crew*\n${formatAgentList(registry)}`));
        return;
      case 'unknown-agent':
        logger.info({ ...context, requestedName: parsed.requestedName }, 'unknown agent in /crew');
        await ack(ephemeral(formatUnknownAgent(registry, parsed.requestedName, parsed.suggestion)));
        return;
      case 'missing-question':
        await ack(ephemeral(`Add your question after the agent's name: \`/crew ${parsed.agentName} how should we model refunds?\``));
        return;
      case 'ask':
        break;
    }

    const agent = registry.find(parsed.agentName) ?? registry.defaultAgent();
    const access = decideAccess(options.accessPolicy ?? {}, {
      teamId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
      isDirectMessage: command.channel_id.startsWith('D'),
    });
    if (!access.allowed) {
      options.onRefused?.(agent.name, access.reason);
      logger.info({ ...context, user: command.user_id, reason: access.reason }, 'question refused');
      // A workspace that is not on the list hears nothing (an empty ack shows nothing).
      await (access.reply === 'none' ? ack() : ack(ephemeral(describeRefusal(access.reason))));
      return;
    }
    const { rateLimiter, rateLimit } = options;
    if (rateLimiter !== undefined && rateLimit !== undefined && rateLimit.perMinute > 0) {
      try {
        const decision = await rateLimiter.take(`${command.team_id}:${command.user_id}`, rateLimit);
        if (!decision.allowed) {
          options.onRefused?.(agent.name, 'rate_limited');
          logger.info({ ...context, user: command.user_id, reason: 'rate_limited' }, 'question refused');
          await ack(ephemeral(describeRefusal('rate_limited', decision.retryAfterMs)));
          return;
        }
      } catch (error) {
        options.onRefused?.(agent.name, 'store_unavailable');
        logger.warn({ ...context, err: error }, 'could not check the rate limit');
        await ack(ephemeral(describeErrorForUser(error)));
        return;
      }
    }
    let question = parsed.question;
    if (question.length > options.maxQuestionChars) {
      question = `${cutWithoutSplittingCharacters(question, options.maxQuestionChars)}\n\n[The rest of this message was cut off because it was too long.]`;
    }
    let rootTs: string;
    try {
      const quoted = question
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
      const posted = await callSlack<{ ts: string }>(
        client,
        'chat.postMessage',
        {
          channel: command.channel_id,
          text: `<@${command.user_id}> asked *${agent.displayName}*:\n${markdownToMrkdwn(quoted)}`,
          username: agent.displayName,
          ...(agent.iconEmoji ? { icon_emoji: agent.iconEmoji } : {}),
          unfurl_links: false,
        },
        { logger, maxAttempts: 2, maxRetryAfterMs: 1000, onError: options.onSlackError },
      );
      rootTs = posted.ts;
    } catch (error) {
      const { code } = readSlackError(error);
      logger.warn({ ...context, code }, 'could not post /crew root message');
      const hint = code === 'not_in_channel' ? notInChannelHint : code === 'channel_not_found' ? cannotPostHint : undefined;
      await ack(ephemeral(hint ?? `I couldn't post your question here (Slack said \`${code}\`). Please try again.`));
      return;
    }

    const job: TurnJob = {
      id: `${command.channel_id}-${rootTs}`,
      eventId: command.trigger_id,
      source: 'command',
      teamId: command.team_id,
      channelId: command.channel_id,
      threadTs: rootTs,
      messageTs: rootTs,
      userId: command.user_id,
      agentName: agent.name,
      text: question,
      isDirectMessage: command.channel_id.startsWith('D'),
      receivedAt: options.clock.now(),
      progress: {},
    };
    try {
      await options.intake.submit(job, [`command:${command.trigger_id ?? job.id}`]);
      await ack();
    } catch (error) {
      logger.error({ ...context, err: error }, 'could not queue /crew question');
      await ack(ephemeral(describeErrorForUser(error)));
      await callSlack(
        client,
        'chat.postMessage',
        { channel: command.channel_id, thread_ts: rootTs, text: `⚠️ ${describeErrorForUser(error)}` },
        { logger, maxAttempts: 1 },
      ).catch(() => undefined);
    }
  });
}

