import type { AgentRegistry } from '../agents/agent-registry.js';
import type { ReplySink, ReplyTarget } from '../reply/reply-sink.js';
import { parseQuestion } from '../routing/parse-question.js';
import type { QuestionIntake } from './create-question-intake.js';
import type { IncomingQuestion } from './incoming-question.js';
import type { DeliveryGuard, Logger } from './ports.js';
import type { TurnJob } from './turn-job.js';

/** Options for the question handler. */
export interface QuestionHandlerOptions {
  registry: AgentRegistry;
  intake: QuestionIntake;
  guard: DeliveryGuard;
  sink: ReplySink;
  logger: Logger;
  /** Longest question accepted; longer ones are trimmed with a note. */
  maxQuestionChars: number;
  /** How the bot is addressed in usage hints (e.g. `@architect`). */
  botHandle: string;
}

/** What happened to an incoming question. */
export type QuestionHandling = 'queued' | 'duplicate' | 'usage-hint';

/**
 * Decides what an incoming question needs — a usage hint when it is empty, otherwise an
 * answer — and hands answers to the intake (exactly once, durably queued). Notices that do
 * not need the model are sent without waiting, so Slack's ack stays fast.
 */
export function createQuestionHandler(options: QuestionHandlerOptions) {
  const { registry, intake, sink, logger } = options;

  function targetOf(question: IncomingQuestion): ReplyTarget {
    const agent = registry.defaultAgent();
    return {
      teamId: question.teamId,
      channelId: question.channelId,
      threadTs: question.threadTs,
      recipientUserId: question.userId,
      isDirectMessage: question.isDirectMessage,
      agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji },
    };
  }

  function notify(action: Promise<void>, context: object, message: string): void {
    action.catch((error: unknown) => logger.warn({ ...context, err: error }, message));
  }

  return async function handleQuestion(question: IncomingQuestion): Promise<QuestionHandling> {
    const parsed = parseQuestion(question.text, registry);
    const logContext = { team: question.teamId, channel: question.channelId, thread: question.threadTs, source: question.source };

    if (parsed.question === '') {
      if (!(await options.guard.claim(`hint:${question.channelId}:${question.messageTs}`, 2 * 60 * 60 * 1000))) {
        return 'duplicate';
      }
      const names = registry
        .list()
        .map((agent) => `\`${agent.name}\``)
        .join(', ');
      notify(
        sink.postNotice(
          targetOf(question),
          `👋 Ask me a question after the mention, e.g. \`${options.botHandle} how should we model refunds?\`\n` +
            `Pick a crew member by starting with its name (${names}), or use \`/crew help\`.`,
        ),
        logContext,
        'could not post usage hint',
      );
      logger.info(logContext, 'empty question: usage hint sent');
      return 'usage-hint';
    }

    let text = parsed.question;
    let trimmedFrom: number | undefined;
    if (text.length > options.maxQuestionChars) {
      trimmedFrom = text.length;
      text = `${text.slice(0, options.maxQuestionChars)}\n\n[The rest of this message (${trimmedFrom - options.maxQuestionChars} characters) was cut off because it was too long.]`;
    }

    const job: TurnJob = {
      id: `${question.channelId}-${question.messageTs}`,
      source: question.source,
      teamId: question.teamId,
      channelId: question.channelId,
      threadTs: question.threadTs,
      messageTs: question.messageTs,
      userId: question.userId,
      agentName: parsed.agentName,
      text,
      isDirectMessage: question.isDirectMessage,
      receivedAt: question.receivedAt,
      progress: {},
    };
    const result = await intake.submit(job, question.deliveryIds);
    if (!result.accepted) return 'duplicate';

    if (trimmedFrom !== undefined) {
      notify(
        sink.postPrivateNotice(
          targetOf(question),
          `Your message was ${trimmedFrom.toLocaleString('en-US')} characters long; I read the first ${options.maxQuestionChars.toLocaleString('en-US')}.`,
        ),
        logContext,
        'could not post trim notice',
      );
    }
    if (result.waitingAhead > 0) {
      notify(
        sink.postPrivateNotice(
          targetOf(question),
          `⏳ Queued — I'll answer this right after the ${result.waitingAhead === 1 ? 'answer in progress' : `${result.waitingAhead} questions ahead of it`} in this thread.`,
        ),
        logContext,
        'could not post queued notice',
      );
    }
    return 'queued';
  };
}

/** The handler function type. */
export type QuestionHandler = ReturnType<typeof createQuestionHandler>;
