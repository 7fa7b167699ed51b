import type { AgentRegistry } from '../agents/agent-registry.js';
import { hasErrorCode } from '../errors.js';
import type { ReplySink, ReplyTarget } from '../reply/ports.js';
import { parseQuestion } from '../routing/parse-question.js';
import { decideAccess, describeRefusal, type AccessPolicy, type RefusalReason } from './access-policy.js';
import type { QuestionIntake } from './create-question-intake.js';
import type { IncomingQuestion } from './incoming-question.js';
import type { DeliveryGuard } from './ports.js';
import type { Logger } from '../shared/ports.js';
import type { RateLimit, RateLimiter } from './ports.js';
import { rememberRecentIds } from '../shared/remember-recent-ids.js';
import type { TurnJob } from '../queue/turn-job.js';

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
  /** Who may ask (default: everyone). */
  accessPolicy?: AccessPolicy;
  /** Per-person limit; off when absent or when `perMinute` is 0. */
  rateLimiter?: RateLimiter;
  rateLimit?: RateLimit;
  /** A question was refused before reaching the model (metrics). */
  onRefused?: (agentName: string, reason: RefusalReason) => void;
}

/** What happened to an incoming question. */
export type QuestionHandling = 'queued' | 'duplicate' | 'usage-hint' | 'refused';

/** How long a hint or refusal is remembered so Slack's retries and double events say it once. */
const noticeTtlMs = 2 * 60 * 60 * 1000;

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair (an emoji). */
export function cutWithoutSplittingCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const endsInHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return text.slice(0, endsInHighSurrogate ? max - 1 : max);
}

/**
 * Decides what an incoming question needs — a refusal (allowlists, rate limit), a usage hint
 * when it is empty, a note that files cannot be read, otherwise an answer — and hands answers
 * to the intake (exactly once, durably queued). Notices that do not need the model are sent
 * without waiting, so Slack's ack stays fast.
 *
 * When the shared store is unreachable the asker is told so in the thread (once per message,
 * remembered in process memory since the store is down) and the error is rethrown, so the
 * adapter answers Slack with an error and Slack redelivers the event later.
 */
export function createQuestionHandler(options: QuestionHandlerOptions) {
  const { registry, intake, sink, logger } = options;
  const policy = options.accessPolicy ?? {};
  const toldStoreIsDown = rememberRecentIds({ ttlMs: 10 * 60 * 1000 });
  const saidOnce = rememberRecentIds({ ttlMs: noticeTtlMs });

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

  /** True the first time for `id`: in the shared guard, or in memory when the guard is unreachable. */
  async function isFirstTime(id: string): Promise<boolean> {
    try {
      return (await options.guard.claim(id, noticeTtlMs)) && saidOnce.rememberFirst(id);
    } catch {
      return saidOnce.rememberFirst(id);
    }
  }

  function usageHint(question: IncomingQuestion): string {
    const names = registry
      .list()
      .map((agent) => `\`${agent.name}\``)
      .join(', ');
    const example = question.isDirectMessage ? '`how should we model refunds?`' : `\`${options.botHandle} how should we model refunds?\``;
    const lead = question.isDirectMessage ? '👋 Send me a question, e.g.' : '👋 Ask me a question after the mention, e.g.';
    return `${lead} ${example}\nPick a crew member by starting with its name (${names}), or use \`/crew help\`.`;
  }

  async function refuse(question: IncomingQuestion, agentName: string, reason: RefusalReason, reply: 'private' | 'none', retryAfterMs = 0) {
    const logContext = { team: question.teamId, channel: question.channelId, user: question.userId, reason };
    options.onRefused?.(agentName, reason);
    logger.info(logContext, 'question refused');
    if (reply === 'none') return;
    notify(sink.postPrivateNotice(targetOf(question), describeRefusal(reason, retryAfterMs)), logContext, 'could not post refusal');
  }

  function tellStoreIsDown(question: IncomingQuestion, agentName: string, error: unknown): void {
    const logContext = { team: question.teamId, channel: question.channelId, thread: question.threadTs, code: 'store_unavailable' };
    logger.warn({ ...logContext, err: error }, 'store unreachable: question not queued; Slack will redeliver it');
    if (!toldStoreIsDown.rememberFirst(`${question.channelId}:${question.messageTs}`)) return;
    options.onRefused?.(agentName, 'store_unavailable');
    notify(sink.postNotice(targetOf(question), describeRefusal('store_unavailable')), logContext, 'could not post store-down notice');
  }

  async function handle(question: IncomingQuestion, agentName: string | undefined, text: string): Promise<QuestionHandling> {
    const eventId = question.deliveryIds.find((id) => id.startsWith('event:'))?.slice('event:'.length);
    const logContext = { eventId, team: question.teamId, channel: question.channelId, thread: question.threadTs, source: question.source };
    const label = agentName ?? registry.defaultAgent().name;
    const files = question.attachedFileCount ?? 0;

    if (text === '') {
      if (!(await isFirstTime(`hint:${question.channelId}:${question.messageTs}`))) return 'duplicate';
      const hint =
        files > 0
          ? "📎 I can't read files yet, only the text of a message. Paste the part you want me to look at as text (a code block works well) and ask again."
          : usageHint(question);
      notify(sink.postNotice(targetOf(question), hint), logContext, 'could not post usage hint');
      logger.info({ ...logContext, files }, files > 0 ? 'file without a question: files note sent' : 'empty question: usage hint sent');
      return 'usage-hint';
    }

    let trimmedFrom: number | undefined;
    let bounded = text;
    if (text.length > options.maxQuestionChars) {
      trimmedFrom = text.length;
      const kept = cutWithoutSplittingCharacters(text, options.maxQuestionChars);
      bounded = `${kept}\n\n[The rest of this message (${trimmedFrom - kept.length} characters) was cut off because it was too long.]`;
    }

    const job: TurnJob = {
      id: `${question.channelId}-${question.messageTs}`,
      eventId,
      source: question.source,
      teamId: question.teamId,
      channelId: question.channelId,
      threadTs: question.threadTs,
      messageTs: question.messageTs,
      userId: question.userId,
      agentName,
      text: bounded,
      isDirectMessage: question.isDirectMessage,
      receivedAt: question.receivedAt,
      progress: {},
    };
    const { rateLimiter, rateLimit } = options;
    const limited = rateLimiter !== undefined && rateLimit !== undefined && rateLimit.perMinute > 0;
    const result = await intake.submit(job, question.deliveryIds, {
      admit: limited ? () => rateLimiter.take(`${question.teamId}:${question.userId}`, rateLimit) : undefined,
    });
    if (!result.accepted) {
      if (result.reason === 'rate_limited') await refuse(question, label, 'rate_limited', 'private', result.retryAfterMs);
      return result.reason === 'duplicate' ? 'duplicate' : 'refused';
    }

    const notes: string[] = [];
    if (trimmedFrom !== undefined) {
      notes.push(
        `Your message was ${trimmedFrom.toLocaleString('en-US')} characters long; I read the first ${options.maxQuestionChars.toLocaleString('en-US')}.`,
      );
    }
    if (files > 0) notes.push("📎 I can't read attached files yet, so I'm answering from the text of your message only.");
    if (result.waitingAhead > 0) {
      notes.push(
        `⏳ Queued — I'll answer this right after the ${result.waitingAhead === 1 ? 'answer in progress' : `${result.waitingAhead} questions ahead of it`} in this thread.`,
      );
    }
    for (const note of notes) notify(sink.postPrivateNotice(targetOf(question), note), logContext, 'could not post a private note');
    return 'queued';
  }

  return async function handleQuestion(question: IncomingQuestion): Promise<QuestionHandling> {
    const parsed = parseQuestion(question.text, registry);
    const label = parsed.agentName ?? registry.defaultAgent().name;
    const access = decideAccess(policy, question);
    if (!access.allowed) {
      if (access.reply === 'none') {
        await refuse(question, label, access.reason, 'none');
        return 'refused';
      }
      if (!(await isFirstTime(`refused:${question.channelId}:${question.messageTs}`))) return 'duplicate';
      await refuse(question, label, access.reason, access.reply);
      return 'refused';
    }
    try {
      return await handle(question, parsed.agentName, parsed.question);
    } catch (error) {
      if (hasErrorCode(error, 'store_unavailable')) tellStoreIsDown(question, label, error);
      throw error;
    }
  };
}

/** The handler function type. */
export type QuestionHandler = ReturnType<typeof createQuestionHandler>;
