import type { AgentRegistry } from '../agents/agent-registry.js';
import type { SpendControl } from '../budget/create-spend-control.js';
import type { Agent } from '../agents/agent.js';
import { consultTargetsOf } from '../agents/consult-targets.js';
import { toolsOfAgent } from '../agents/tools-of-agent.js';
import { textOf, type ContentBlock } from '../model/content-block.js';
import { CrewError } from '../errors.js';
import type { KnownModel } from '../model/model-catalog.js';
import { capabilitiesOf } from '../model/model-capabilities.js';
import { modelContextWindow } from '../model/model-context-window.js';
import type { ModelClient } from '../model/ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { TurnJobContext, TurnJobRunner } from '../queue/ports.js';
import { describeErrorForUser } from '../reply/describe-error-for-user.js';
import { summarizeSessionTitle } from '../sessions/summarize-session-title.js';
import { replyStopOf, type Reply, type ReplySink, type ReplyTarget } from '../reply/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { ConversationStore, ThreadHistoryReader, UserDirectory } from '../thread/ports.js';
import type { ThreadKey } from '../thread/thread-key.js';
import type { StoredTurn } from '../thread/thread-state.js';
import { createConsultAnswerer } from './create-consult-answerer.js';
import { foldTurnOutcome, startingOutcome, toStoredContent, type TurnOutcome } from './fold-turn-outcome.js';
import { settleEarlierAttempt } from './settle-earlier-attempt.js';
import { labelQueueInterruption } from './label-queue-interruption.js';
import type { TurnObserver } from './ports.js';
import type { SharedFileReader } from '../files/ports.js';
import type { ByteBudget } from '../files/byte-budget.js';
import { resolveSharedFiles } from './resolve-shared-files.js';
import { composeTurnRequest } from './compose-turn-request.js';
import { showLeftOutFiles } from './fit-question-files.js';
import { closeReply, TurnPresenter } from './present-turn-event.js';
import { streamAnswer } from './stream-answer.js';

/** Model and history settings of a turn (from config). */
export interface TurnSettings {
  maxOutputTokens: number;
  /** Offer web search / web fetch to agents that list them. */
  webTools: boolean;
  historyTokenBudget: number;
  stallTimeoutMs: number;
  retryBudgetMs: number;
}

/** Everything a turn needs; wired once. */
export interface TurnRunnerOptions {
  registry: AgentRegistry;
  store: ConversationStore;
  model: ModelClient;
  sink: ReplySink;
  clock: Clock;
  logger: Logger;
  observer?: TurnObserver;
  /** Reads a platform thread's earlier messages once, when the crew is first called into it mid-conversation. */
  threadReader?: ThreadHistoryReader;
  /** Reads the files people shared (the Slack adapter downloads them); without one, files become markers. */
  fileReader?: SharedFileReader;
  /** Bytes file-bearing turns may hold at once in this process (see `byte-budget.ts`); unbounded without. */
  fileMemory?: ByteBudget;
  /** Display names, so the model reads who said what; without one, people are shown by id. */
  userDirectory?: UserDirectory;
  /** Counts what each turn used against the daily budgets (shared by all replicas). */
  spend?: SpendControl;
  settings: TurnSettings;
  /** The model that answers for an agent (resolved once at start from the models the key can use). */
  modelOf: (agent: Agent) => KnownModel;
}

function targetFor(job: TurnJob, agent: Agent, startedAt: number): ReplyTarget {
  return {
    teamId: job.teamId,
    channelId: job.channelId,
    threadTs: job.threadTs,
    recipientUserId: job.userId,
    isDirectMessage: job.isDirectMessage,
    agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji, ...(agent.loadingMessages.length > 0 ? { loadingMessages: agent.loadingMessages } : {}) },
    turnId: job.id,
    ...(job.eventId ? { eventId: job.eventId } : {}),
    turnStartedAt: startedAt,
  };
}

/**
 * Creates the worker that answers one queued question: binds the thread to its agent, builds
 * the history, runs the model loop, pushes what it shows to a reply, folds the turn's outcome
 * from the loop's events (and the reply's stop, if any), and stores the exchange. History only
 * ever grows by whole question/answer pairs (see `foldTurnOutcome`).
 */
export function createTurnRunner(options: TurnRunnerOptions): TurnJobRunner {
  const { registry, store, model, sink, clock, settings, observer } = options;

  return async function runTurn(job: TurnJob, context: TurnJobContext): Promise<void> {
    const startedAt = clock.now();
    const logger = options.logger.child({ turnId: job.id, eventId: job.eventId, team: job.teamId, channel: job.channelId, thread: job.threadTs });
    const key: ThreadKey = { teamId: job.teamId, channelId: job.channelId, threadTs: job.threadTs };

    const requested = job.agentName ? registry.find(job.agentName) : undefined;
    // The channel's default (read at intake) binds a new thread; a bound thread keeps its agent.
    const fallback = (job.defaultAgentName ? registry.find(job.defaultAgentName) : undefined) ?? registry.defaultAgent();
    const binding = store.bindAgent(key, (requested ?? fallback).name, clock.now());
    // Sent right behind the bind (the store runs them in order): one round-trip wait instead of two.
    const threadRead = store.getThread(key);
    threadRead.catch(() => undefined); // a failure surfaces where it is awaited below
    const boundName = await binding;
    // An explicitly named agent answers this turn; otherwise the thread's own agent does.
    const agent = requested ?? registry.find(boundName) ?? fallback;
    const target = targetFor(job, agent, startedAt);
    const turnLogger = logger.child({ agent: agent.name, attempt: context.attempt });
    observer?.turnStarted?.({ agent: agent.name, jobId: job.id, queuedMs: startedAt - job.receivedAt });
    turnLogger.info({ source: job.source, queuedMs: startedAt - job.receivedAt }, 'turn started');
    // Message text is logged at debug only.
    turnLogger.debug({ question: job.text }, 'question text');

    const thread = await threadRead;
    const history = thread?.turns ?? [];
    if (history.some((turn) => turn.turnId === job.id)) {
      // Answered and stored already (a crash or a lost lock came after): done, never answered twice.
      turnLogger.info({}, 'turn already answered; not answering again');
      return;
    }
    const chosenModel = options.modelOf(agent);
    const modelId = chosenModel.id;
    // The answer's limit: the configured one, never above what the model allows.
    const maxOutputTokens = Math.min(settings.maxOutputTokens, chosenModel.maxOutputTokens ?? Number.POSITIVE_INFINITY);
    const { questionText, system, question, built, leftOutFiles } = await composeTurnRequest({
      job,
      key,
      history,
      agentPrompt: agent.prompt,
      contextWindowTokens: chosenModel.maxInputTokens ?? modelContextWindow(modelId),
      maxOutputTokens,
      historyTokenBudget: settings.historyTokenBudget,
      threadReader: options.threadReader,
      userDirectory: options.userDirectory,
      logger: turnLogger,
    });
    if (built.omittedTurns > 0) turnLogger.info({ omittedTurns: built.omittedTurns }, 'history trimmed to budget');
    const earlier = { attempt: context.attempt, messageTs: job.progress.replyMessageTs ?? [], questionTs: job.messageTs ?? job.threadTs };
    const delivered = await settleEarlierAttempt(sink, target, earlier, turnLogger);
    if (delivered !== undefined) {
      // Delivered in full before a crash lost the store: keep what Slack shows, answer nothing.
      await storeExchange(job, key, question, { ...startingOutcome, status: 'complete', content: [{ type: 'text', text: delivered }] });
      turnLogger.info({ messages: job.progress.replyMessageTs?.length }, 'turn was delivered before a restart; stored what Slack shows, not answering again');
      return;
    }

    // The model stops when the queue interrupts the turn or the reply cannot go on.
    const stopController = new AbortController();
    const abortTurn = () => stopController.abort();
    context.signal.addEventListener('abort', abortTurn, { once: true });
    if (context.signal.aborted) abortTurn();
    // The thread's first turn names its agent session after the question.
    const sessionTitle = history.length === 0 ? summarizeSessionTitle(job.text) : undefined;
    const reply = sink.open(sessionTitle ? { ...target, sessionTitle } : target);
    reply.stopped.addEventListener('abort', abortTurn, { once: true });
    // Members this agent may consult (one level deep: a consulted member gets no consult tool).
    const consultable = consultTargetsOf(agent, registry);
    const tools = toolsOfAgent(agent, { webTools: settings.webTools }).offered;
    if (consultable.length > 0) tools.push({ kind: 'consult', members: consultable.map((member) => ({ name: member.name, description: member.description })) });
    const extract = [...history.slice(-6).map((turn) => textOf(turn.content)), questionText].join('\n\n').slice(-4_000);
    // Files are read now (every turn: a follow-up sees them), within the process's file memory.
    const files = await resolveSharedFiles(built.messages, options.fileReader, { logger: turnLogger, clock, countFile: (kind, outcome) => observer?.fileRead?.({ kind, outcome }), signal: stopController.signal, budget: options.fileMemory, spareTokens: built.inputLimit - built.estimatedInputTokens });
    showLeftOutFiles(reply, [...leftOutFiles, ...files.leftOut], turnLogger);
    const events = streamAnswer({
      model,
      request: {
        model: modelId,
        system,
        messages: files.messages,
        maxTokens: maxOutputTokens,
        tools,
        // Effort and thinking text only where the model takes them (a 400 otherwise).
        ...(agent.effort && capabilitiesOf(modelId).adaptiveThinking ? { effort: agent.effort } : {}),
        ...(tools.length > 0 && capabilitiesOf(modelId).adaptiveThinking ? { thinkingText: true } : {}),
      },
      ...(consultable.length > 0
        ? { answerToolCalls: createConsultAnswerer({ registry, model, modelOf: options.modelOf, logger: turnLogger, observer }, agent, consultable, extract) }
        : {}),
      signal: stopController.signal,
      logger: turnLogger,
      stallTimeoutMs: settings.stallTimeoutMs,
      retryBudgetMs: settings.retryBudgetMs,
      thinkingStatus: 'is thinking…',
      onAttempt: (attempt) => observer?.modelAttempt?.({ agent: agent.name, attempt }),
      onFirstToken: () => {
        observer?.firstToken?.({ agent: agent.name, sinceStartMs: clock.now() - startedAt });
        turnLogger.info({ sinceStartMs: clock.now() - startedAt }, 'first token');
      },
      onError: (error) => observer?.modelError?.({ agent: agent.name, code: error.code }),
      // The original question (not the seeded one): a retry is a new turn that seeds again if needed.
      retryOffer: { turnId: job.id, teamId: job.teamId, threadTs: job.threadTs, agentName: job.agentName, question: job.text },
    });

    let outcome: TurnOutcome = startingOutcome;
    const progress = trackReplyMessages(job, context, reply, turnLogger);
    const presenter = new TurnPresenter(reply, (name) => registry.find(name)?.displayName ?? name);
    try {
      for await (const event of labelQueueInterruption(events, context.signal)) {
        outcome = foldTurnOutcome(outcome, event);
        presenter.show(event);
        await closeReply(reply, event);
      }
    } finally {
      context.signal.removeEventListener('abort', abortTurn);
      files.release();
    }
    await progress.done();
    const stop = replyStopOf(reply);
    if (stop) outcome = foldTurnOutcome(outcome, { type: 'reply-stopped', stop });
    if (stop?.failure) {
      turnLogger.error(
        { code: stop.failure.details.slackCode, deliveryCode: stop.failure.code, method: stop.failure.details.method },
        'reply could not be delivered',
      );
    }

    if (context.signal.aborted && outcome.status !== 'complete') {
      // Shutdown or lost lock: leave the job to be re-run; store nothing half-done.
      turnLogger.warn({ reason: String(context.signal.reason ?? 'aborted') }, 'turn interrupted; it will be re-run');
      // Its messages already end with the interruption notice: the re-run need not mark them again.
      if (reply.messageTs.length > 0) await progress.forget();
      observer?.turnFinished?.({ agent: agent.name, outcome: 'interrupted', durationMs: clock.now() - startedAt });
      throw new CrewError('turn_interrupted', 'Turn interrupted by shutdown or lost lock');
    }

    await storeExchange(job, key, question, outcome);
    await recordSpend(job, outcome, turnLogger);
    reportOutcome(turnLogger, agent, outcome, startedAt);
  };

  /** Stores the question exactly as it was sent (seed included), so the next turn's prefix matches this one's. */
  async function storeExchange(job: TurnJob, key: ThreadKey, questionContent: ContentBlock[], outcome: TurnOutcome) {
    const content = toStoredContent(outcome.content);
    if (content.length === 0) return;
    const { usage } = outcome;
    const question: StoredTurn = { role: 'user', content: questionContent, userId: job.userId, turnId: job.id, at: job.receivedAt };
    const answer: StoredTurn = {
      role: 'assistant',
      content,
      turnId: job.id,
      at: clock.now(),
      status: outcome.status === 'complete' ? 'complete' : 'interrupted',
      inputTokens: usage ? usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens : undefined,
      outputTokens: usage?.outputTokens,
    };
    await store.appendTurns(key, [question, answer]);
  }

  /** Counts the turn's usage against the budgets; a failure here never fails a delivered answer. */
  async function recordSpend(job: TurnJob, outcome: TurnOutcome, logger: Logger): Promise<void> {
    if (!options.spend || !outcome.usage) return;
    await options.spend.record({ teamId: job.teamId, channelId: job.channelId }, outcome.usage).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not count the turn against the daily budgets');
    });
  }

  function reportOutcome(logger: Logger, agent: Agent, outcome: TurnOutcome, startedAt: number): void {
    const result = outcome.status === 'complete' ? 'answered' : outcome.status === 'interrupted' ? 'interrupted' : 'failed';
    const durationMs = clock.now() - startedAt;
    observer?.turnFinished?.({ agent: agent.name, outcome: result, durationMs, usage: outcome.usage, errorCode: outcome.error?.code });
    const logContext = {
      outcome: result,
      durationMs,
      usage: outcome.usage,
      stopReason: outcome.stopReason,
      errorCode: outcome.error?.code,
      requestId: outcome.error?.details.requestId,
    };
    if (outcome.shownText !== '') logger.debug({ answer: outcome.shownText }, 'answer text');
    if (outcome.status === 'complete') logger.info(logContext, 'turn answered');
    else logger.error({ ...logContext, userMessage: describeErrorForUser(outcome.error) }, 'turn did not complete');
  }
}

/**
 * Saves the reply's message ts into the queued job the moment each appears, so a re-run after a
 * crash can mark a half-written answer. The core waits on the reply (push-only: it never calls back).
 */
function trackReplyMessages(job: TurnJob, context: TurnJobContext, reply: Reply, logger: Logger) {
  const save = (replyMessageTs: string[]) =>
    context.saveProgress({ ...job.progress, replyMessageTs }).catch((error: unknown) => logger.warn({ err: error }, 'could not save turn progress'));
  const tracking = (async () => {
    for (let known = 0; ; ) {
      const messages = await reply.messagesAfter(known);
      if (messages === undefined) return;
      known = messages.length;
      await save([...messages]);
    }
  })();
  return {
    /** Resolves once every message the answer used is saved. */
    done: () => tracking,
    forget: async () => {
      await tracking;
      await save([]);
    },
  };
}
