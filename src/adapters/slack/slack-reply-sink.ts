import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/conversation/ports.js';
import type { DeliveryHooks, DeliveryReport, ReplySink, ReplyTarget } from '../../core/reply/reply-sink.js';
import type { TurnEvent } from '../../core/reply/turn-event.js';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';
import { readSlackError } from './read-slack-error.js';
import { SlackAnswerStream } from './slack-answer-stream.js';
import { callSlack } from './slack-call.js';

/** Options for the Slack reply sink. */
export interface SlackReplySinkOptions {
  client: WebClient;
  logger: Logger;
  flushIntervalMs: number;
  maxMessageChars?: number;
  maxStreamAgeMs?: number;
  onSlackError?: (method: string, code: string) => void;
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

  return {
    async deliver(target: ReplyTarget, events: AsyncIterable<TurnEvent>, hooks: DeliveryHooks): Promise<DeliveryReport> {
      const logger = options.logger.child({ channel: target.channelId, thread: target.threadTs, agent: target.agent.name });
      const stream = new SlackAnswerStream({
        client,
        target,
        logger,
        flushIntervalMs: options.flushIntervalMs,
        maxMessageChars: options.maxMessageChars,
        maxStreamAgeMs: options.maxStreamAgeMs,
        onSlackError: options.onSlackError,
        hooks,
      });
      let finished = false;
      for await (const event of events) {
        switch (event.type) {
          case 'status':
            void stream.showStatus(event.text);
            break;
          case 'text-delta':
            stream.push(event.text);
            break;
          case 'turn-end':
            await stream.finish(event.notice);
            finished = true;
            break;
          case 'turn-error':
            await stream.finish(stream.stoppedByUser ? undefined : event.notice);
            finished = true;
            break;
        }
      }
      if (!finished) await stream.finish();
      return {
        deliveredText: stream.deliveredText,
        messageTs: stream.messageTs,
        stoppedByUser: stream.stoppedByUser,
        failure: stream.failure,
      };
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
          { channel: target.channelId, ts: messageTs, markdown_text: `\n\n${notice}` },
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
