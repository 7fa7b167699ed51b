import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import { resolveModelId } from '../agents/resolve-model-id.js';
import { CrewError } from '../errors.js';
import type { ModelClient } from '../model/model-client.js';
import type { ReplySink, ReplyTarget } from '../reply/reply-sink.js';
import { describeErrorForUser } from '../reply/describe-error-for-user.js';
import { buildModelMessages } from './build-model-messages.js';
import { calibrateTokenEstimator } from './estimate-tokens.js';
import { modelContextWindow } from './model-context-window.js';
import { attributeTurnQuestion } from './attribute-turn-question.js';
import type { Clock, ConversationStore, Logger, ThreadHistoryReader, UserDirectory } from './ports.js';
import { seedFirstQuestion } from './seed-first-question.js';
import { withUntrustedMaterialRule } from './untrusted-material-rule.js';
import { labelQueueInterruption } from './label-queue-interruption.js';
import { streamAnswer, type AnswerOutcome } from './stream-answer.js';
import type { StoredTurn } from './thread-state.js';
import type { TurnJob } from './turn-job.js';
import type { TurnObserver } from './turn-observer.js';
import type { TurnJobContext, TurnJobRunner } from './turn-queue.js';

/** Model and history settings of a turn (from config). */
export interface TurnSettings {
  defaultModel: string;
  modelAliases: { sonnet: string; opus: string; haiku: string };
  maxOutputTokens: number;
  historyTokenBudget: number;
  stallTimeoutMs: number;
  retryBudgetMs: number;
}

/** Everything a turn needs; wired once in main. */
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
  /** Display names, so the model reads who said what; without one, people are shown by id. */
  userDirectory?: UserDirectory;
  settings: TurnSettings;
}

function targetFor(job: TurnJob, threadTs: string, agent: Agent): ReplyTarget {
  return {
    teamId: job.teamId,
    channelId: job.channelId,
    threadTs,
    recipientUserId: job.userId,
    isDirectMessage: job.isDirectMessage,
    agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji },
    turnId: job.id,
  };
}

/**
 * Creates the worker that answers one queued question: binds the thread to its agent,
 * builds the history, streams the model's answer into the reply sink, and stores the
 * exchange. History only ever grows by whole question/answer pairs: a failed turn with no
 * text stores nothing; an interrupted one stores its partial text marked `interrupted`.
 */
export function createTurnRunner(options: TurnRunnerOptions): TurnJobRunner {
  const { registry, store, model, sink, clock, settings, observer } = options;

  return async function runTurn(job: TurnJob, context: TurnJobContext): Promise<void> {
    const startedAt = clock.now();
    const threadTs = job.threadTs ?? job.progress.rootTs;
    const logger = options.logger.child({ turnId: job.id, eventId: job.eventId, team: job.teamId, channel: job.channelId, thread: threadTs });
    if (!threadTs) {
      logger.error({ source: job.source }, 'turn has no thread to answer in; dropped');
      return;
    }
    const key = { teamId: job.teamId, channelId: job.channelId, threadTs };

    const requested = job.agentName ? registry.find(job.agentName) : undefined;
    const binding = store.bindAgent(key, (requested ?? registry.defaultAgent()).name, clock.now());
    // Sent right behind the bind (the store runs them in order): one round-trip wait instead of two.
    const threadRead = store.getThread(key);
    threadRead.catch(() => undefined); // a failure surfaces where it is awaited below
    const boundName = await binding;
    // An explicitly named agent answers this turn; otherwise the thread's own agent does.
    const agent = requested ?? registry.find(boundName) ?? registry.defaultAgent();
    const target = targetFor(job, threadTs, agent);
    const turnLogger = logger.child({ agent: agent.name, attempt: context.attempt });
    observer?.turnStarted?.({ agent: agent.name, jobId: job.id, queuedMs: startedAt - job.receivedAt });
    turnLogger.info({ source: job.source, queuedMs: startedAt - job.receivedAt }, 'turn started');
    // Message text is logged at debug only.
    turnLogger.debug({ question: job.text }, 'question text');

    for (const abandonedTs of job.progress.replyMessageTs ?? []) {
      await sink.markAbandoned(target, abandonedTs).catch((error: unknown) => {
        turnLogger.warn({ err: error, messageTs: abandonedTs }, 'could not mark abandoned reply');
      });
    }

    const thread = await threadRead;
    const system = withUntrustedMaterialRule(agent.prompt);
    const history = thread?.turns ?? [];
    const modelId = resolveModelId(agent.model, { defaultModel: settings.defaultModel, aliases: settings.modelAliases });
    // A first question in a thread that already had a conversation carries that conversation (read once).
    const seeded = await seedFirstQuestion({
      reader: options.threadReader,
      key,
      question: job.text,
      messageTs: job.messageTs,
      hasHistory: history.length > 0,
      logger: turnLogger,
      askerId: job.userId,
      directory: options.userDirectory,
    });
    // In a thread with several people the question names its author (stored as sent: never re-rendered).
    const question = await attributeTurnQuestion({ directory: options.userDirectory, teamId: job.teamId, userId: job.userId, text: seeded, history });
    const estimator = calibrateTokenEstimator(history);
    const built = buildModelMessages(history, question, {
      inputTokenBudget: settings.historyTokenBudget,
      systemTokens: estimator.estimate(system),
      contextWindowTokens: modelContextWindow(modelId),
      maxOutputTokens: settings.maxOutputTokens,
      estimator,
    });
    if (built.omittedTurns > 0) {
      turnLogger.info({ omittedTurns: built.omittedTurns }, 'history trimmed to budget');
    }

    const stopController = new AbortController();
    const abortTurn = () => stopController.abort();
    context.signal.addEventListener('abort', abortTurn, { once: true });
    if (context.signal.aborted) abortTurn();
    const outcome: AnswerOutcome = { text: '', status: 'failed' };
    const startedMessages: string[] = [];
    try {
      const events = streamAnswer(
        {
          model,
          request: {
            model: modelId,
            system,
            messages: built.messages,
            maxTokens: settings.maxOutputTokens,
          },
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
          retryOffer: { turnId: job.id, teamId: job.teamId, threadTs, agentName: job.agentName, question: job.text },
        },
        outcome,
      );
      const report = await sink.deliver(target, labelQueueInterruption(events, context.signal), {
        onMessageStarted: (ts) => {
          if (startedMessages.length === 0) {
            observer?.firstVisibleText?.({ agent: agent.name, sinceStartMs: clock.now() - startedAt });
            turnLogger.info({ sinceStartMs: clock.now() - startedAt, messageTs: ts }, 'first text visible');
          }
          startedMessages.push(ts);
          void context
            .saveProgress({ ...job.progress, replyMessageTs: [...startedMessages] })
            .catch((error: unknown) => turnLogger.warn({ err: error }, 'could not save turn progress'));
        },
        onStopRequested: () => stopController.abort(),
      });
      if ((report.stoppedByUser || report.failure) && report.deliveredText.length < outcome.text.length) {
        // History keeps what the person saw: a stopped or refused answer is stored as far as it was shown.
        outcome.text = report.deliveredText;
        outcome.status = outcome.text === '' ? 'failed' : 'interrupted';
      }
      if (report.failure) outcome.error = report.failure;
      if (report.failure) {
        turnLogger.error(
          { code: report.failure.details.slackCode, deliveryCode: report.failure.code, method: report.failure.details.method },
          'reply could not be delivered',
        );
      }
    } finally {
      context.signal.removeEventListener('abort', abortTurn);
    }

    if (context.signal.aborted && outcome.status !== 'complete') {
      // Shutdown or lost lock: leave the job to be re-run; store nothing half-done.
      turnLogger.warn({ reason: String(context.signal.reason ?? 'aborted') }, 'turn interrupted; it will be re-run');
      // Its messages already end with the interruption notice: the re-run need not mark them again.
      if (startedMessages.length > 0) {
        await context.saveProgress({ ...job.progress, replyMessageTs: [] }).catch((error: unknown) => {
          turnLogger.warn({ err: error }, 'could not save turn progress');
        });
      }
      observer?.turnFinished?.({ agent: agent.name, outcome: 'interrupted', durationMs: clock.now() - startedAt });
      throw new CrewError('turn_interrupted', 'Turn interrupted by shutdown or lost lock');
    }

    await storeExchange(job, key, question, outcome);
    const resultOutcome = outcome.status === 'complete' ? 'answered' : outcome.status === 'interrupted' ? 'interrupted' : 'failed';
    observer?.turnFinished?.({
      agent: agent.name,
      outcome: resultOutcome,
      durationMs: clock.now() - startedAt,
      usage: outcome.usage,
      errorCode: outcome.error?.code,
    });
    const logContext = {
      outcome: resultOutcome,
      durationMs: clock.now() - startedAt,
      usage: outcome.usage,
      stopReason: outcome.stopReason,
      errorCode: outcome.error?.code,
      requestId: outcome.error?.details.requestId,
    };
    if (outcome.text !== '') turnLogger.debug({ answer: outcome.text }, 'answer text');
    if (outcome.status === 'complete') turnLogger.info(logContext, 'turn answered');
    else turnLogger.error({ ...logContext, userMessage: describeErrorForUser(outcome.error) }, 'turn did not complete');
  };

  /** Stores the question exactly as it was sent (seed included), so the next turn's prefix matches this one's. */
  async function storeExchange(job: TurnJob, key: { teamId: string; channelId: string; threadTs: string }, questionText: string, outcome: AnswerOutcome) {
    if (outcome.text === '') return;
    const now = clock.now();
    const question: StoredTurn = { role: 'user', text: questionText, userId: job.userId, turnId: job.id, at: job.receivedAt };
    const answer: StoredTurn = {
      role: 'assistant',
      text: outcome.text,
      turnId: job.id,
      at: now,
      status: outcome.status === 'complete' ? 'complete' : 'interrupted',
      inputTokens: outcome.usage ? outcome.usage.inputTokens + outcome.usage.cacheReadTokens + outcome.usage.cacheWriteTokens : undefined,
      outputTokens: outcome.usage?.outputTokens,
    };
    await store.appendTurns(key, [question, answer]);
  }
}
