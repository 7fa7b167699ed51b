import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import type { DeliveryError } from '../../core/errors.js';
import { describeErrorForUser } from '../../core/reply/describe-error-for-user.js';
import type { ReplySink, ReplyTarget } from '../../core/reply/ports.js';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';
import { readSlackError } from './read-slack-error.js';
import { SlackReply } from './slack-reply.js';
import { callSlack } from './slack-call.js';
import { escapeSlackText, linkChannel, neutraliseBroadcastWords, sanitizeOutboundMarkdown } from './sanitize-outbound-text.js';

/** Options for the Slack reply sink. */
export interface SlackReplySinkOptions {
  client: WebClient;
  logger: Logger;
  flushIntervalMs: number;
  maxMessageChars?: number;
  /** Rotate a streaming message to a new one after this long (Slack expires streams at ~5 min). */
  maxStreamAgeMs?: number;
  onSlackError?: (method: string, code: string) => void;
  /** The first message of an answer exists in Slack (metrics). */
  onFirstVisibleText?: (agent: string, sinceTurnStartMs: number) => void;
  now?: () => number;
}

/**
 * The words for an answer Slack refused, sanitized. The core names the channel as `<#C…>`;
 * that one link is composed again after sanitizing, from the failure's own (validated) channel
 * id — never from the text.
 */
function describeUndeliverable(failure: DeliveryError): string {
  const sanitized = escapeSlackText(neutraliseBroadcastWords(describeErrorForUser(failure)));
  const channel = failure.details.channel;
  if (typeof channel !== 'string' || !/^[CGD][A-Z0-9]+$/.test(channel)) return sanitized;
  return sanitized.split(`&lt;#${channel}&gt;`).join(linkChannel(channel));
}

/** Shows answers in Slack threads: native streaming first, post-and-update as the fallback. */
export function createSlackReplySink(options: SlackReplySinkOptions): ReplySink {
  const { client } = options;

  function face(target: ReplyTarget) {
    return {
      username: target.agent.displayName,
      ...(target.agent.iconEmoji ? { icon_emoji: target.agent.iconEmoji } : {}),
    };
  }

  function loggerFor(target: ReplyTarget): Logger {
    return options.logger.child({
      team: target.teamId,
      channel: target.channelId,
      thread: target.threadTs,
      agent: target.agent.name,
      ...(target.turnId ? { turnId: target.turnId } : {}),
      ...(target.eventId ? { eventId: target.eventId } : {}),
    });
  }

  /**
   * Tells the asker when Slack refused the whole answer, where anything can still be shown:
   * a DM when the bot cannot post in the channel, an ephemeral note for other refusals, and
   * nothing (a log line only) when Slack rejects the bot's own credentials.
   */
  async function reportUndeliverable(target: ReplyTarget, failure: DeliveryError, logger: Logger): Promise<void> {
    const text = `⚠️ ${describeUndeliverable(failure)}`;
    const context = { code: failure.details.slackCode, deliveryCode: failure.code };
    try {
      switch (failure.code) {
        case 'delivery_auth_failed':
        case 'delivery_stopped_by_user':
          logger.error(context, 'answer not delivered and the asker cannot be told (Slack rejected the bot)');
          return;
        case 'delivery_not_in_channel':
        case 'delivery_channel_not_found':
          if (target.isDirectMessage) {
            logger.error(context, 'answer not delivered and the asker cannot be told (the DM is closed to the bot)');
            return;
          }
          // Posting to a user id lands in the bot's DM with them (Messages tab).
          await callSlack(client, 'chat.postMessage', { channel: target.recipientUserId, text, ...face(target) }, { logger, maxAttempts: 2 });
          logger.warn({ ...context, notified: 'direct-message' }, 'told the asker by DM that the answer could not be posted');
          return;
        default:
          await callSlack(
            client,
            'chat.postEphemeral',
            { channel: target.channelId, user: target.recipientUserId, thread_ts: target.threadTs, text },
            { logger, maxAttempts: 2 },
          );
          logger.warn({ ...context, notified: 'ephemeral' }, 'told the asker privately that the answer could not be posted');
      }
    } catch (error) {
      logger.error({ ...context, notifyCode: readSlackError(error).code }, 'could not tell the asker that the answer was not delivered');
    }
  }

  return {
    open(target) {
      return new SlackReply({
        client,
        target,
        logger: loggerFor(target),
        flushIntervalMs: options.flushIntervalMs,
        maxMessageChars: options.maxMessageChars,
        maxStreamAgeMs: options.maxStreamAgeMs,
        onSlackError: options.onSlackError,
        onFirstVisibleText: options.onFirstVisibleText,
        now: options.now ?? Date.now,
        reportUndeliverable: (failedTarget, stream, logger) => (stream.failure ? reportUndeliverable(failedTarget, stream.failure, logger) : Promise.resolve()),
      });
    },

    async postNotice(target, text) {
      await callSlack(
        client,
        'chat.postMessage',
        { channel: target.channelId, thread_ts: target.threadTs, text: markdownToMrkdwn(text), ...face(target) },
        { logger: options.logger, onError: options.onSlackError },
      );
    },

    async postPrivateNotice(target, text) {
      await callSlack(
        client,
        'chat.postEphemeral',
        { channel: target.channelId, user: target.recipientUserId, thread_ts: target.threadTs, text: markdownToMrkdwn(text) },
        { logger: options.logger, onError: options.onSlackError },
      );
    },

    async markAbandoned(target, messageTs) {
      const notice = '⚠️ _This answer was cut off by a restart. A complete answer follows below._';
      try {
        await callSlack(
          client,
          'chat.stopStream',
          { channel: target.channelId, ts: messageTs, markdown_text: sanitizeOutboundMarkdown(`\n\n${notice}`) },
          { logger: options.logger, maxAttempts: 2 },
        );
      } catch (error) {
        const { code } = readSlackError(error);
        options.logger.info({ code, messageTs }, 'abandoned reply is no longer streaming; posting a note instead');
        await this.postNotice(target, '⚠️ _The answer above was cut off by a restart. A complete answer follows._');
      }
    },
  };
}
