import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import type { DeliveryError } from '../../core/errors.js';
import { describeErrorForUser } from '../../core/reply/describe-error-for-user.js';
import type { ReplySink, ReplyTarget } from '../../core/reply/ports.js';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';
import { readDeliveredAnswer } from './read-delivered-answer.js';
import { cutOffNotice, recoverUnrecordedReply } from './recover-unrecorded-reply.js';
import { readSlackError } from './read-slack-error.js';
import type { StopRequest } from '../../core/sessions/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import { SlackAgentSessions } from './slack-agent-sessions.js';
import type { SlackCallPacing } from './slack-call-pacing.js';
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
  /** Keeps answers inside the workspace's Slack quotas, shared by the fleet. */
  pacing?: SlackCallPacing;
  /** Use Slack's agent sessions (status, title, native Stop); default true. */
  agentSessions?: boolean;
  /** A thread's session was answered and is waiting (the wiring schedules its closing). */
  onSessionActive?: (thread: { teamId: string; channelId: string; threadTs: string }) => void;
  now?: () => number;
}

/** The Slack reply sink, plus what only the Slack side needs: Stop presses on agent sessions. */
export interface SlackReplySink extends ReplySink {
  /**
   * Stops the answer this process is running in the request's thread, if any (the one its
   * messages were for, or the one that has no message yet). Returns how many answers it stopped.
   */
  stopThread(request: StopRequest): number;
  /** Closes the thread's agent session (its conversation expired). True when Slack took it. */
  closeSession(thread: { teamId: string; channelId: string; threadTs: string }): Promise<boolean>;
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
export function createSlackReplySink(options: SlackReplySinkOptions): SlackReplySink {
  const { client } = options;
  const sessions = new SlackAgentSessions({ client, logger: options.logger, onSlackError: options.onSlackError, enabled: options.agentSessions });
  /** Answers being shown by this process, by thread. */
  const running = new Map<string, Set<SlackReply>>();

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
    closeSession: (thread) => sessions.close(thread),

    stopThread(request) {
      const replies = running.get(formatThreadKey(request.thread));
      let stopped = 0;
      for (const reply of replies ?? []) {
        const shown = reply.messageTs;
        // A press on an earlier answer's message must not stop the one running now.
        if (request.messageTs.length > 0 && shown.length > 0 && !shown.some((ts) => request.messageTs.includes(ts))) continue;
        reply.stopForSession();
        stopped += 1;
      }
      return stopped;
    },

    open(target) {
      const threadId = formatThreadKey(target);
      const reply: SlackReply = new SlackReply({
        client,
        target,
        logger: loggerFor(target),
        flushIntervalMs: options.flushIntervalMs,
        maxMessageChars: options.maxMessageChars,
        maxStreamAgeMs: options.maxStreamAgeMs,
        onSlackError: options.onSlackError,
        pacing: options.pacing,
        onFirstVisibleText: options.onFirstVisibleText,
        now: options.now ?? Date.now,
        reportUndeliverable: (failedTarget, stream, logger) => (stream.failure ? reportUndeliverable(failedTarget, stream.failure, logger) : Promise.resolve()),
        sessions,
        onSessionActive: () => options.onSessionActive?.({ teamId: target.teamId, channelId: target.channelId, threadTs: target.threadTs }),
        onClosed: () => {
          const replies = running.get(threadId);
          replies?.delete(reply);
          if (replies?.size === 0) running.delete(threadId);
        },
      });
      running.set(threadId, (running.get(threadId) ?? new Set()).add(reply));
      return reply;
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
      try {
        await callSlack(
          client,
          'chat.stopStream',
          { channel: target.channelId, ts: messageTs, markdown_text: sanitizeOutboundMarkdown(`\n\n${cutOffNotice}`) },
          { logger: options.logger, maxAttempts: 2 },
        );
      } catch (error) {
        const { code } = readSlackError(error);
        options.logger.info({ code, messageTs }, 'abandoned reply is no longer streaming; posting a note instead');
        await this.postNotice(target, '⚠️ _The answer above was cut off by a restart. A complete answer follows._');
      }
    },

    readDeliveredAnswer: (target, messageTs) => readDeliveredAnswer(client, options.logger, target, messageTs),
    recoverUnrecordedReply: (target, afterTs) => recoverUnrecordedReply(client, options.logger, target, afterTs),
  };
}
