import { toSharedFiles } from '../files/to-shared-files.js';
import type { App } from '@slack/bolt';
import type { Clock, Logger } from '../../../core/shared/ports.js';
import type { ConversationStore } from '../../../core/thread/ports.js';
import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import type { QuestionRequest } from '../../../core/intake/question-request.js';
import type { QuestionIntake } from '../../../core/intake/submit-question.js';
import type { ReplySink } from '../../../core/reply/ports.js';
import { renderSlackMarkup } from '../render-slack-markup.js';
import { createSlackIntakeReplies } from './slack-intake-replies.js';
import { isEndSessionRequest } from '../../../core/sessions/read-end-session-request.js';

/** Dependencies of the event listeners. */
export interface EventListenerOptions {
  intake: QuestionIntake;
  registry: AgentRegistry;
  sink: ReplySink;
  store: ConversationStore;
  logger: Logger;
  clock: Clock;
  /**
   * Ends the thread's agent session when a reply asks for it ("end session"); resolves false
   * when the thread has no session to end (the reply is then an ordinary question).
   */
  endSession?: (where: { teamId: string; channelId: string; threadTs: string; userId: string; isDirectMessage: boolean }) => Promise<boolean>;
}

/** Message subtypes that carry a person's new question. Everything else (edits, deletes, joins, bot posts) is ignored. */
const questionSubtypes = new Set([undefined, 'file_share', 'thread_broadcast']);

interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  team?: string;
  /** Files shared with the message (subtype `file_share`). */
  files?: unknown[];
}

interface EventEnvelope {
  event_id?: string;
  team_id?: string;
}

function isFromAPerson(event: SlackMessageEvent, botUserId: string | undefined): event is SlackMessageEvent & { user: string } {
  return !event.bot_id && event.user !== undefined && event.user !== botUserId && questionSubtypes.has(event.subtype);
}

/**
 * Registers `app_mention` and `message` listeners. They only normalize the event and hand it
 * to the core; the core queues it before Bolt acknowledges the request (processBeforeResponse).
 */
export function registerEventListeners(app: App, options: EventListenerOptions): void {
  const { intake, store, logger, clock } = options;

  function toQuestion(
    event: SlackMessageEvent & { user: string },
    envelope: EventEnvelope,
    botUserId: string | undefined,
    source: QuestionRequest['source'],
  ): QuestionRequest & { threadTs: string } {
    const isDirectMessage = event.channel_type === 'im' || event.channel.startsWith('D');
    const where = {
      teamId: envelope.team_id ?? event.team ?? 'unknown-team',
      channelId: event.channel,
      threadTs: event.thread_ts ?? event.ts,
      userId: event.user,
      isDirectMessage,
    };
    return {
      ...where,
      source,
      jobId: `${event.channel}-${event.ts}`,
      messageTs: event.ts,
      text: renderSlackMarkup(event.text ?? '', botUserId),
      agent: { parse: true },
      deliveryIds: [...(envelope.event_id ? [`event:${envelope.event_id}`] : []), `message:${event.channel}:${event.ts}`],
      ...(envelope.event_id ? { eventId: envelope.event_id } : {}),
      receivedAt: clock.now(),
      sharedFiles: toSharedFiles(event.files),
      replies: createSlackIntakeReplies(options.sink, options.registry, where),
    };
  }

  /** A reply that only asks to end the session ends it instead of being asked. */
  async function endsSession(question: QuestionRequest & { threadTs: string }): Promise<boolean> {
    if (!options.endSession || (question.sharedFiles ?? []).length > 0 || !isEndSessionRequest(question.text)) return false;
    return options.endSession(question);
  }

  app.event('app_mention', async ({ event, body, context }) => {
    const message = event as unknown as SlackMessageEvent;
    if (!isFromAPerson(message, context.botUserId)) return;
    await intake.submit(toQuestion(message, body as EventEnvelope, context.botUserId, 'mention'));
  });

  app.event('message', async ({ event, body, context }) => {
    const message = event as unknown as SlackMessageEvent;
    if (!isFromAPerson(message, context.botUserId)) return;
    const envelope = body as EventEnvelope;
    const isThreadReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    if (message.channel_type === 'im') {
      const question = toQuestion(message, envelope, context.botUserId, 'direct-message');
      if (isThreadReply && (await endsSession(question))) return;
      await intake.submit(question);
      return;
    }
    if (!isThreadReply) return;
    const question = toQuestion(message, envelope, context.botUserId, 'thread-reply');
    const known = await store.hasThread({ teamId: question.teamId, channelId: question.channelId, threadTs: question.threadTs });
    if (!known) {
      logger.debug({ channel: question.channelId, thread: question.threadTs }, 'reply in a thread the crew is not part of; ignored');
      return;
    }
    if (await endsSession(question)) return;
    await intake.submit(question);
  });
}

