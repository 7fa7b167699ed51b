import { createSlackFileReader } from './adapters/slack/files/create-slack-file-reader.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeModelApi } from './adapters/anthropic/probe-model-api.js';
import { createHttpServer } from './adapters/http/create-http-server.js';
import { readApiHost } from './adapters/network/read-connection-failure.js';
import { startMetricsServer } from './adapters/http/start-metrics-server.js';
import { createCrewMetrics, type CrewMetrics } from './adapters/metrics/create-crew-metrics.js';
import { createSlackRequestObserver } from './adapters/metrics/create-slack-request-observer.js';
import { createSlackAuthCheck } from './adapters/slack/create-slack-auth-check.js';
import { createSlackApp } from './adapters/slack/create-slack-app.js';
import { registerActionListeners } from './adapters/slack/listeners/register-action-listeners.js';
import { registerAppHomeListeners } from './adapters/slack/listeners/register-app-home-listeners.js';
import { registerFeedbackListeners } from './adapters/slack/listeners/register-feedback-listeners.js';
import { createFeedbackRecorder } from './core/feedback/record-feedback-press.js';
import { registerCrewCommand } from './adapters/slack/listeners/register-crew-command.js';
import { createCrewUseHandler } from './adapters/slack/listeners/create-crew-use-handler.js';
import { createChannelAgentReader } from './core/channels/create-channel-agent-reader.js';
import { registerEventListeners } from './adapters/slack/listeners/register-event-listeners.js';
import { registerSessionListeners } from './adapters/slack/listeners/register-session-listeners.js';
import { createSlackReplySink } from './adapters/slack/slack-reply-sink.js';
import { defaultPacedMethods, SlackCallPacing } from './adapters/slack/slack-call-pacing.js';
import { createSlackThreadReader } from './adapters/slack/slack-thread-reader.js';
import { createSlackUserDirectory } from './adapters/slack/slack-user-directory.js';
import { withThreadPrompts } from './adapters/slack/with-thread-prompts.js';
import type { Config } from './config/load-config.js';
import type { AgentRegistry } from './core/agents/agent-registry.js';
import { createSpendControl } from './core/budget/create-spend-control.js';
import { createQuestionIntake } from './core/intake/submit-question.js';
import type { Clock, Logger } from './core/shared/ports.js';
import type { TurnQueue } from './core/queue/ports.js';
import { describeErrorForUser } from './core/reply/describe-error-for-user.js';
import { createStateBackend, type StateBackend } from './wiring/create-state-backend.js';
import { endAgentSession } from './wiring/end-agent-session.js';
import { startSessionCloser } from './wiring/start-session-closer.js';
import { loadCrewRegistry } from './wiring/load-crew-registry.js';
import { resolveCrewModels } from './wiring/resolve-crew-models.js';
import { wireTurnRunner } from './wiring/wire-turn-runner.js';

/** What the wiring needs from outside: config, a logger and (for tests) a clock. */
export interface CrewOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Prefix of every Redis key (tests isolate themselves with a unique one). */
  redisKeyPrefix?: string;
  /** Internal (benchmark only): prompt-cache breakpoints on model requests; default true. */
  promptCaching?: boolean;
}

/** A running crew process. */
export interface Crew {
  /** Port the HTTP server listens on (events in HTTP mode; health, readiness and, unless `metricsPort`, metrics). */
  port: number;
  /** Port of the metrics-only server (`METRICS_PORT`); undefined when `/metrics` is on `port`. */
  metricsPort?: number;
  registry: AgentRegistry;
  metrics: CrewMetrics;
  /** Graceful stop: no new work, in-flight answers get `deadlineMs`, then everything closes. */
  stop(deadlineMs?: number): Promise<void>;
}

/**
 * The one wiring point: loads the crew, builds the adapters (Redis or memory, Anthropic,
 * Slack), connects them to the core, and starts the HTTP server, the Slack connection and
 * the turn workers.
 */
export async function startCrew(options: CrewOptions): Promise<Crew> {
  const { config, logger } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const registry = await loadCrewRegistry(config, logger);
  // The queue is created below; metrics read it lazily.
  let queueRef: TurnQueue | undefined;
  let backendRef: StateBackend | undefined;
  const metrics = createCrewMetrics({
    runningTurns: () => queueRef?.runningCount() ?? 0,
    waitingTurns: () => queueRef?.waitingCount() ?? Promise.resolve(0),
  });
  const slackAuth = createSlackAuthCheck({
    authTest: () => slack.client.auth.test(),
    botToken: config.slack.botToken,
    apiHost: readApiHost(config.slack.apiUrl, 'slack.com'),
    clock,
    logger: logger.child({ component: 'slack-auth' }),
    onSlackError: metrics.countSlackError,
  });
  const slack = createSlackApp({
    botToken: config.slack.botToken,
    signingSecret: config.slack.signingSecret,
    appToken: config.slack.appToken,
    apiUrl: config.slack.apiUrl,
    logger,
    authorize: slackAuth.authorize,
  });
  const sink = createSlackReplySink({
    client: slack.client,
    logger,
    flushIntervalMs: config.runtime.streamFlushIntervalMs,
    maxStreamAgeMs: config.slackStream.rotateAfterMs,
    onSlackError: metrics.countSlackError,
    onFirstVisibleText: (agent, sinceStartMs) => metrics.observer.firstVisibleText?.({ agent, sinceStartMs }),
    agentSessions: config.slack.agentSessions,
    // Every replica draws from the same per-workspace budget (the backend is built below).
    pacing: new SlackCallPacing({
      budget: { reserve: (scope, rate, now) => backendRef?.callBudget.reserve(scope, rate, now) ?? Promise.resolve(0) },
      methods: defaultPacedMethods(config.slack.streamCallsPerMinute),
      now: clock.now,
      logger,
      onWait: metrics.observeSlackBudgetWait,
    }),
    // An answered session closes when its thread's conversation expires.
    onSessionActive: (thread) => {
      backendRef?.sessionClosing.schedule(thread, clock.now() + config.conversation.retentionMs).catch((error: unknown) =>
        logger.warn({ err: error, channel: thread.channelId, thread: thread.threadTs }, 'could not schedule closing an agent session'),
      );
    },
    now: clock.now,
  });
  slack.app.use(createSlackRequestObserver({ logger, observeAck: metrics.observeEventAck }));

  const backend = createStateBackend({ config, logger, clock, redisKeyPrefix: options.redisKeyPrefix, onJobFailed: async (job, error) => {
    // The queue gave up on this job: tell the person instead of leaving silence.
    const agent = registry.defaultAgent();
    await sink
      .postNotice(
        {
          teamId: job.teamId,
          channelId: job.channelId,
          threadTs: job.threadTs,
          recipientUserId: job.userId,
          isDirectMessage: job.isDirectMessage,
          agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji },
        },
        `⚠️ ${describeErrorForUser(error)}`,
      )
      .catch((notifyError: unknown) => logger.error({ err: notifyError, turnId: job.id }, 'could not tell the user a turn failed'));
  } });
  queueRef = backend.queue;
  backendRef = backend;
  const sessionCloser = startSessionCloser({ schedule: backend.sessionClosing, close: (thread) => sink.closeSession(thread), clock, logger });
  // Daily token budgets, shared by every replica through the state backend.
  const spend = createSpendControl({ ledger: backend.spendLedger, budgets: config.budgets, clock });
  // Every agent's model, resolved once from the models the key can use (aliases → newest of the family).
  const modelOf = await resolveCrewModels(config, registry, logger);
  const runner = wireTurnRunner({
    config,
    logger,
    clock,
    registry,
    store: backend.store,
    // Answers in DM threads bound to another agent offer that agent's prompts (agent view).
    sink: withThreadPrompts(sink, { client: slack.client, registry, store: backend.store, logger, onSlackError: metrics.countSlackError }),
    observer: metrics.observer,
    threadReader: createSlackThreadReader({ client: slack.client, logger }),
    fileReader: createSlackFileReader({ botToken: config.slack.botToken, ...(config.slack.fileHosts ? { allowedHosts: config.slack.fileHosts } : {}) }),
    userDirectory: createSlackUserDirectory({ client: slack.client, logger }),
    spend,
    modelOf,
    promptCaching: options.promptCaching,
  });
  // The bot's real name in the workspace, once Slack told us (help texts and usage hints).
  const botHandle = () => `@${slackAuth.identity()?.botName ?? 'crew'}`;
  // Each channel's default agent (`/crew use`), read by the intake and by the command alike.
  const channelAgents = createChannelAgentReader({ defaults: backend.channelDefaults, registry, logger });
  // The one way in: mentions, DMs, thread replies, /crew and the Retry button all submit here.
  const intake = createQuestionIntake({
    registry,
    guard: backend.guard,
    queue: backend.queue,
    logger,
    maxQuestionChars: config.conversation.maxQuestionChars,
    fileLimits: config.runtime.fileLimits,
    botHandle,
    accessPolicy: config.access,
    rateLimiter: backend.rateLimiter,
    rateLimit: { perMinute: config.access.userRateLimitPerMinute, burst: config.access.userRateLimitBurst },
    spend,
    clock,
    onRefused: metrics.countRefused,
    onBudgetRefused: metrics.countBudgetRefusal,
    channelAgents,
  });
  registerEventListeners(slack.app, { intake, registry, sink, store: backend.store, logger, clock, endSession: (where) => endAgentSession(sink, registry, logger, where) });
  registerSessionListeners(slack.app, { stopRequests: backend.stopRequests, logger, clock });
  // A Stop pressed on any replica stops the answer wherever it runs.
  const unsubscribeStops = backend.stopRequests.subscribe((request) => {
    const stopped = sink.stopThread(request);
    if (stopped > 0) logger.info({ team: request.thread.teamId, channel: request.thread.channelId, thread: request.thread.threadTs, stopped }, 'stopped the running answer on an agent session Stop');
  });
  registerActionListeners(slack.app, { intake, store: backend.store, logger, clock, onSlackError: metrics.countSlackError });
  registerAppHomeListeners(slack.app, { registry, logger, botHandle, onSlackError: metrics.countSlackError });
  registerFeedbackListeners(slack.app, { recorder: createFeedbackRecorder({ store: backend.feedbackStore, logger, onCounted: metrics.countFeedback }), logger, clock, onSlackError: metrics.countSlackError });
  registerCrewCommand(slack.app, {
    registry,
    intake,
    logger,
    clock,
    botHandle,
    accessPolicy: config.access,
    describeUsage: (scopes, isDirectMessage) => spend.describeUsage(scopes, { isDirectMessage }),
    onSlackError: metrics.countSlackError,
    channelUse: createCrewUseHandler({
      registry,
      defaults: backend.channelDefaults,
      reader: channelAgents,
      editors: { userIds: config.channelDefaults.editorUserIds },
      logger,
      clock,
      botHandle,
      accessPolicy: config.access,
      onSlackError: metrics.countSlackError,
    }),
  });

  let draining = false;
  const server: Server = createHttpServer({
    logger,
    clock,
    slackRequestListener: slack.httpReceiver?.requestListener,
    isDraining: () => draining,
    // With METRICS_PORT, /metrics lives only on the metrics server.
    renderMetrics: config.metrics.port === undefined ? metrics.render : undefined,
    metricsToken: config.metrics.token,
    readinessInfo: { store: backend.mode },
    readiness: {
      store: async () => {
        try {
          await backend.ping();
          return { ok: true };
        } catch (error) {
          return { ok: false, reason: error instanceof Error ? error.message : String(error) };
        }
      },
      agents: async () => (registry.list().length > 0 ? { ok: true } : { ok: false, reason: `no agents loaded from ${config.agentsDir}` }),
      slack: slackAuth.check,
    },
  });
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const port = (server.address() as AddressInfo).port;
  const metricsServer = await startMetricsServer({ port: config.metrics.port, endpoint: { render: metrics.render, token: config.metrics.token }, logger });
  if (slack.socketReceiver) await slack.app.start();
  // Learn the bot's identity now; when Slack or the model API cannot be reached, the log says
  // which host and why, once, and the probes retry with backoff.
  const slackProbe = slackAuth.probeAtStart();
  const modelProbe = probeModelApi({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl, logger: logger.child({ component: 'model-api' }) });
  backend.queue.start(runner);
  logger.info({ port, mode: config.slack.mode, store: backend.mode }, 'crew is up');
  // Say at once why the crew is not ready when Redis is down at start; the connection keeps retrying.
  backend.ping().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error({ reason }, 'not ready: Redis is unreachable at start; retrying in the background, /readyz answers 503 until it answers');
  });

  let stopping: Promise<void> | undefined;
  return {
    port,
    metricsPort: metricsServer.port,
    registry,
    metrics,
    stop(deadlineMs = config.runtime.shutdownDeadlineMs) {
      stopping ??= shutDown(deadlineMs);
      return stopping;
    },
  };

  async function shutDown(deadlineMs: number): Promise<void> {
      draining = true;
      slackProbe.stop();
      modelProbe.stop();
      logger.info({ deadlineMs }, 'shutting down: finishing answers in flight');
      if (slack.socketReceiver) await slack.app.stop().catch((error: unknown) => logger.warn({ err: error }, 'socket mode stop failed'));
      await backend.queue.stop(deadlineMs);
      unsubscribeStops();
      sessionCloser.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metricsServer.close();
      await backend.close();
      logger.info({}, 'shutdown complete');
  }
}
