import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import type { ChannelAgentReader } from '../channels/create-channel-agent-reader.js';
import type { BudgetScope } from '../budget/ports.js';
import type { SpendControl } from '../budget/create-spend-control.js';
import { describeBudgetRefusal } from '../reply/describe-budget-refusal.js';
import { DeliveryInFlightError, hasErrorCode } from '../errors.js';
import type { TurnQueue } from '../queue/ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import { parseQuestion } from '../routing/parse-question.js';
import type { Logger } from '../shared/ports.js';
import { rememberRecentIds } from '../shared/remember-recent-ids.js';
import { decideAccess, describeRefusal, type AccessPolicy, type RefusalReason } from './access-policy.js';
import { boundQuestionText } from './bound-question-text.js';
import { buildTurnJob } from './build-turn-job.js';
import { claimDeliveryIdsOrWait } from './claim-delivery-ids.js';
import { chooseReadableFiles, type QuestionFileLimits } from '../files/choose-readable-files.js';
import { filesWithoutQuestionNote, formatSkippedFilesNote, formatQueuedNote, formatTrimmedNote, formatUsageHint } from './intake-notes.js';
import type { DeliveryGuard, RateLimit, RateLimiter } from './ports.js';
import type { QuestionRequest } from './question-request.js';

/** What became of a question. */
export type IntakeOutcome =
  | { status: 'queued'; job: TurnJob; waitingAhead: number }
  | { status: 'duplicate' }
  | { status: 'usage-hint' }
  | { status: 'refused'; reason: RefusalReason | 'thread_not_opened' };

/** Everything the intake needs; wired once. */
export interface QuestionIntakeOptions {
  registry: AgentRegistry;
  guard: DeliveryGuard;
  queue: TurnQueue;
  logger: Logger;
  /** Longest question accepted; longer ones are cut with a note. */
  maxQuestionChars: number;
  /** Limits on the files read with a question (default: `defaultQuestionFileLimits`). */
  fileLimits?: QuestionFileLimits;
  /** How the bot is addressed in usage hints (`@` + its real name, learnt from Slack). */
  botHandle: () => string;
  /** Who may ask (default: everyone). */
  accessPolicy?: AccessPolicy;
  /** Per-person limit; off when absent or when `perMinute` is 0. */
  rateLimiter?: RateLimiter;
  rateLimit?: RateLimit;
  /** Daily token budgets per workspace and channel; absent = no limit. */
  spend?: SpendControl;
  clock?: { now(): number };
  /** A question was refused before reaching the model (metrics). */
  onRefused?: (agentName: string, reason: RefusalReason) => void;
  /** A question was refused by a daily budget (metrics, by scope). */
  onBudgetRefused?: (scope: BudgetScope) => void;
  /** How long a delivery id is remembered (Slack retries for up to ~1 hour; default 2 h). */
  dedupeTtlMs?: number;
  /**
   * How long a claim lasts until its question is queued (default 15 s; guards with `extend`
   * only). A replica killed between claiming and queueing leaves a claim that expires this soon,
   * so Slack's next retry (a minute later) is taken instead of dropped as a duplicate.
   */
  pendingClaimTtlMs?: number;
  /** Each channel's default agent (`/crew use`) for questions that name none; absent = the crew's default everywhere. */
  channelAgents?: ChannelAgentReader;
}

/** The one way in: every surface hands its question to `submit`. */
export interface QuestionIntake {
  /**
   * Access policy → empty question (usage hint) → length bound → exactly-once claim of every
   * delivery id → per-person rate limit → daily token budgets → (for `/crew`) open the thread → build the job →
   * enqueue durably, then the notes the asker should read. The job is queued before this
   * resolves, so acknowledging Slack afterwards loses nothing. When the store is unreachable the
   * asker is told (once per message) and the error is rethrown, so Slack redelivers the event.
   */
  submit(request: QuestionRequest): Promise<IntakeOutcome>;
}

/** How long a hint or refusal is remembered so Slack's retries and double events say it once. */
const noticeTtlMs = 2 * 60 * 60 * 1000;

/** Creates the intake. */
export function createQuestionIntake(options: QuestionIntakeOptions): QuestionIntake {
  const { registry, guard, logger } = options;
  const dedupeTtlMs = options.dedupeTtlMs ?? 2 * 60 * 60 * 1000;
  // Claimed briefly, then kept for the full ttl once judged (see `pendingClaimTtlMs`).
  const claimTtlMs = guard.extend ? Math.min(options.pendingClaimTtlMs ?? 15_000, dedupeTtlMs) : dedupeTtlMs;
  // A claim another delivery has not kept yet is looked at again for up to 2 s (inside Slack's 3 s).
  const pendingClaimWait = { waitMs: 2_000, pollMs: 25, now: () => (options.clock ?? Date).now() };
  const toldStoreIsDown = rememberRecentIds({ ttlMs: 10 * 60 * 1000 });
  const saidOnce = rememberRecentIds({ ttlMs: noticeTtlMs });

  function say(request: QuestionRequest, text: string, where: 'private' | 'thread'): void {
    const tell = where === 'thread' && request.replies.tellInThread ? request.replies.tellInThread : request.replies.tellPrivately;
    tell(text).catch((error: unknown) => logger.warn({ err: error, channel: request.channelId, source: request.source }, 'could not tell the asker'));
  }

  /** True the first time for `id`: in the shared guard, or in memory when the guard is unreachable. */
  async function isFirstTime(id: string): Promise<boolean> {
    try {
      return (await guard.claim(id, noticeTtlMs)) && saidOnce.rememberFirst(id);
    } catch {
      return saidOnce.rememberFirst(id);
    }
  }

  function refuse(request: QuestionRequest, agentName: string, reason: RefusalReason, note?: string): IntakeOutcome {
    options.onRefused?.(agentName, reason);
    logger.info({ team: request.teamId, channel: request.channelId, user: request.userId, source: request.source, reason }, 'question refused');
    if (note !== undefined) say(request, note, 'private');
    return { status: 'refused', reason };
  }

  async function submit(request: QuestionRequest, agentName: string | undefined, text: string): Promise<IntakeOutcome> {
    const label = agentName ?? registry.defaultAgent().name;
    const messageId = `${request.channelId}:${request.messageTs ?? request.jobId}`;
    const logContext = { eventId: request.eventId, team: request.teamId, channel: request.channelId, thread: request.threadTs, source: request.source };
    const files = request.sharedFiles?.length ?? 0;

    const access = decideAccess(options.accessPolicy ?? {}, request);
    if (!access.allowed) {
      if (access.reply === 'none') return refuse(request, label, access.reason);
      if (!(await isFirstTime(`refused:${messageId}`))) return { status: 'duplicate' };
      return refuse(request, label, access.reason, describeRefusal(access.reason));
    }

    if (text === '') {
      if (!(await isFirstTime(`hint:${messageId}`))) return { status: 'duplicate' };
      const agentNames = registry.list().map((agent) => agent.name);
      const hint = files > 0 ? filesWithoutQuestionNote : formatUsageHint({ isDirectMessage: request.isDirectMessage, botHandle: options.botHandle(), agentNames });
      say(request, hint, 'thread');
      logger.info({ ...logContext, files }, files > 0 ? 'file without a question: files note sent' : 'empty question: usage hint sent');
      return { status: 'usage-hint' };
    }

    const bounded = boundQuestionText(text, options.maxQuestionChars);
    const chosenFiles = chooseReadableFiles(request.sharedFiles ?? [], options.fileLimits);
    // Scoped by channel: a message's event id and `channel:ts` id are claimed side by side (one Redis Cluster slot).
    const claimScope = request.channelId;
    const claim = await claimDeliveryIdsOrWait(guard, request.deliveryIds, claimTtlMs, claimScope, pendingClaimWait);
    if (claim.alreadyClaimedId !== undefined && claim.pending) {
      // Another delivery is taking it and has not queued it yet (or died doing so): not a 200,
      // so Slack delivers it again; the claim lapses within seconds if its holder died.
      logger.info({ turnId: request.jobId, eventId: request.eventId, deliveryId: claim.alreadyClaimedId }, 'same delivery in flight elsewhere; Slack will deliver it again');
      throw new DeliveryInFlightError(claim.alreadyClaimedId);
    }
    if (claim.alreadyClaimedId !== undefined) {
      logger.info({ turnId: request.jobId, eventId: request.eventId, deliveryId: claim.alreadyClaimedId }, 'duplicate delivery ignored');
      if (request.duplicateNote) say(request, request.duplicateNote, 'private');
      return { status: 'duplicate' };
    }
    // Claims stay once the question is judged (a replay of a refused one is a duplicate); they are
    // released only when the question could not be queued, so Slack's retry can take it.
    const releaseClaims = () => Promise.allSettled(claim.claimed.map((taken) => guard.release(taken, claimScope)));
    // Judged (queued or refused): remembered for the full ttl, before Slack is answered, so a
    // retry after the answer is a plain duplicate. If this fails the claim lapses and a late retry
    // is queued again, which the turn's id makes harmless (a stored turn is never answered twice).
    const keepClaims = async () => {
      if (claimTtlMs === dedupeTtlMs || !guard.extend) return;
      await guard.extend(claim.claimed, dedupeTtlMs, claimScope).catch((error: unknown) => {
        logger.warn({ err: error, turnId: request.jobId, eventId: request.eventId }, 'could not keep the delivery claims; a late retry may be queued again');
      });
    };
    let job: TurnJob;
    let waitingAhead: number;
    let channelAgent: Agent | undefined;
    try {
      const { rateLimiter, rateLimit } = options;
      if (rateLimiter && rateLimit && rateLimit.perMinute > 0) {
        const decision = await rateLimiter.take(`${request.teamId}:${request.userId}`, rateLimit);
        if (!decision.allowed) {
          // A Retry button stays usable for someone who is not over their limit.
          if (request.source === 'retry') await releaseClaims();
          else await keepClaims();
          return refuse(request, label, 'rate_limited', describeRefusal('rate_limited', decision.retryAfterMs));
        }
      }
      if (options.spend) {
        // Admission only: an answer already running is never cut by the budget.
        const budget = await options.spend.check({ teamId: request.teamId, channelId: request.channelId });
        if (!budget.allowed) {
          options.onBudgetRefused?.(budget.scope);
          await keepClaims();
          return refuse(request, label, 'budget_exceeded', describeBudgetRefusal(budget, (options.clock ?? Date).now()));
        }
      }
      channelAgent = agentName === undefined ? await readChannelAgent(request) : undefined;
      let threadTs = request.threadTs;
      if (threadTs === undefined) {
        const opened = await request.openThread?.(bounded.text, channelAgent?.name ?? label);
        if (!opened || 'refusal' in opened) {
          await keepClaims();
          say(request, opened?.refusal ?? 'I could not open a thread for this question.', 'private');
          logger.warn(logContext, 'could not open a thread for the question');
          return { status: 'refused', reason: 'thread_not_opened' };
        }
        threadTs = opened.threadTs;
      }
      job = buildTurnJob(request, { threadTs, agentName, defaultAgentName: channelAgent?.name, text: bounded.text, files: chosenFiles.read });
      ({ waitingAhead } = await options.queue.enqueue(job));
      await keepClaims();
    } catch (error) {
      await releaseClaims();
      throw error;
    }
    logger.info({ ...logContext, thread: job.threadTs, turnId: job.id, agent: agentName, channelDefault: channelAgent?.name, waitingAhead }, 'question queued');

    const notes: string[] = [];
    if (bounded.trimmedFrom !== undefined) notes.push(formatTrimmedNote(bounded.trimmedFrom, options.maxQuestionChars));
    if (chosenFiles.skipped.length > 0) {
      logger.info({ ...logContext, turnId: job.id, skipped: chosenFiles.skipped.map(({ fileId, reason }) => ({ fileId, reason })) }, 'shared files skipped');
      notes.push(formatSkippedFilesNote(chosenFiles.skipped));
    }
    if (waitingAhead > 0) notes.push(formatQueuedNote(waitingAhead));
    for (const note of notes) say(request, note, 'private');
    return { status: 'queued', job, waitingAhead };
  }

  /**
   * The channel's default agent for a question naming none (DMs keep the crew's default). Read
   * here, in the one way in, so every surface gets it; the turn binds it only to a new thread.
   */
  async function readChannelAgent(request: QuestionRequest): Promise<Agent | undefined> {
    if (request.isDirectMessage || !options.channelAgents) return undefined;
    const choice = await options.channelAgents.read({ teamId: request.teamId, channelId: request.channelId });
    return choice.source === 'channel' ? choice.agent : undefined;
  }

  function tellStoreIsDown(request: QuestionRequest, agentName: string, error: unknown): void {
    const logContext = { team: request.teamId, channel: request.channelId, thread: request.threadTs, code: 'store_unavailable' };
    logger.warn({ ...logContext, err: error }, 'store unreachable: question not queued; Slack will redeliver it');
    if (!toldStoreIsDown.rememberFirst(`${request.channelId}:${request.messageTs ?? request.jobId}`)) return;
    options.onRefused?.(agentName, 'store_unavailable');
    say(request, describeRefusal('store_unavailable'), 'thread');
  }

  return {
    async submit(request) {
      const parsed = request.agent.parse ? parseQuestion(request.text, registry) : { agentName: request.agent.agentName, question: request.text.trim() };
      try {
        return await submit(request, parsed.agentName, parsed.question);
      } catch (error) {
        if (hasErrorCode(error, 'store_unavailable')) tellStoreIsDown(request, parsed.agentName ?? registry.defaultAgent().name, error);
        throw error;
      }
    },
  };
}
