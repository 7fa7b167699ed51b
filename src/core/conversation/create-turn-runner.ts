import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import { resolveModelId } from '../agents/resolve-model-id.js';
import { CrewError } from '../errors.js';
import type { ModelClient } from '../model/model-client.js';
import type { ReplySink, ReplyTarget } from '../reply/reply-sink.js';
import { describeErrorForUser } from '../reply/describe-error-for-user.js';
import { buildModelMessages } from './build-model-messages.js';
import { estimateTokens } from './estimate-tokens.js';
import type { Clock, ConversationStore, Logger } from './ports.js';
import { streamAnswer, type AnswerOutcome } from './stream-answer.js';
import type { StoredTurn } from './thread-state.js';
import type { TurnJob } from './turn-job.js';
import type { TurnObserver } from './turn-observer.js';
import type { TurnJobContext, TurnJobRunner } from './turn-queue.js';

/** Everything a turn needs; wired once in main. */
export interface TurnRunnerOptions {
  registry: AgentRegistry;
  store: ConversationStore;
  model: ModelClient;
  sink: ReplySink;
  clock: Clock;
  logger: Logger;
  observer?: TurnObserver;
  settings: {
    defaultModel: string;
    modelAliases: { sonnet: string; opus: string; haiku: string };
    maxOutputTokens: number;
    historyTokenBudget: number;
    stallTimeoutMs: number;
    retryBudgetMs: number;
  };
}

function targetFor(job: TurnJob, threadTs: string, agent: Agent): ReplyTarget {
  return {
    teamId: job.teamId,
    channelId: job.channelId,
    threadTs,
    recipientUserId: job.userId,
    isDirectMessage: job.isDirectMessage,
    agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji },
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
    const logger = options.logger.child({ turnId: job.id, team: job.teamId, channel: job.channelId, thread: threadTs });
    if (!threadTs) {
      logger.error({ source: job.source }, 'turn has no thread to answer in; dropped');
      return;
    }
    const key = { teamId: job.teamId, channelId: job.channelId, threadTs };

    const requested = job.agentName ? registry.find(job.agentName) : undefined;
    const boundName = await store.bindAgent(key, (requested ?? registry.defaultAgent()).name, clock.now());
    // An explicitly named agent answers this turn; otherwise the thread's own agent does.
    const agent = requested ?? registry.find(boundName) ?? registry.defaultAgent();
    const target = targetFor(job, threadTs, agent);
    const turnLogger = logger.child({ agent: agent.name, attempt: context.attempt });
    observer?.turnStarted?.({ agent: agent.name, jobId: job.id, queuedMs: startedAt - job.receivedAt });
    turnLogger.info({ source: job.source, queuedMs: startedAt - job.receivedAt }, 'turn started');

    for (const abandonedTs of job.progress.replyMessageTs ?? []) {
      await sink.markAbandoned(target, abandonedTs).catch((error: unknown) => {
        turnLogger.warn({ err: error, messageTs: abandonedTs }, 'could not mark abandoned reply');
      });
    }

    const thread = await store.getThread(key);
    const system = agent.prompt;
    const built = buildModelMessages(thread?.turns ?? [], job.text, {
      inputTokenBudget: settings.historyTokenBudget,
      systemTokens: estimateTokens(system),
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
            model: resolveModelId(agent.model, { defaultModel: settings.defaultModel, aliases: settings.modelAliases }),
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
          onFirstToken: () => observer?.firstToken?.({ agent: agent.name, sinceStartMs: clock.now() - startedAt }),
          onError: (error) => observer?.modelError?.({ agent: agent.name, code: error.code }),
        },
        outcome,
      );
      const report = await sink.deliver(target, events, {
        onMessageStarted: (ts) => {
          if (startedMessages.length === 0) {
            observer?.firstVisibleText?.({ agent: agent.name, sinceStartMs: clock.now() - startedAt });
          }
          startedMessages.push(ts);
          void context
            .saveProgress({ ...job.progress, replyMessageTs: [...startedMessages] })
            .catch((error: unknown) => turnLogger.warn({ err: error }, 'could not save turn progress'));
        },
        onStopRequested: () => stopController.abort(),
      });
      if (report.stoppedByUser && outcome.status !== 'complete') outcome.status = 'interrupted';
      if (report.failure) {
        turnLogger.error({ code: report.failure.code, details: report.failure.details }, 'reply could not be delivered');
      }
    } finally {
      context.signal.removeEventListener('abort', abortTurn);
    }

    if (context.signal.aborted && outcome.status !== 'complete') {
      // Shutdown or lost lock: leave the job to be re-run; store nothing half-done.
      turnLogger.warn({ reason: String(context.signal.reason ?? 'aborted') }, 'turn interrupted; it will be re-run');
      observer?.turnFinished?.({ agent: agent.name, outcome: 'interrupted', durationMs: clock.now() - startedAt });
      throw new CrewError('turn_interrupted', 'Turn interrupted by shutdown or lost lock');
    }

    await storeExchange(job, key, outcome);
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
    if (outcome.status === 'complete') turnLogger.info(logContext, 'turn answered');
    else turnLogger.error({ ...logContext, userMessage: describeErrorForUser(outcome.error) }, 'turn did not complete');
  };

  async function storeExchange(job: TurnJob, key: { teamId: string; channelId: string; threadTs: string }, outcome: AnswerOutcome) {
    if (outcome.text === '') return;
    const now = clock.now();
    const question: StoredTurn = { role: 'user', text: job.text, userId: job.userId, turnId: job.id, at: job.receivedAt };
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
