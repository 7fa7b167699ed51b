import { createMemoryConversationStore } from '../adapters/memory/memory-conversation-store.js';
import { createMemoryFeedbackStore } from '../adapters/memory/memory-feedback-store.js';
import { createMemoryDeliveryGuard } from '../adapters/memory/memory-delivery-guard.js';
import { createMemoryRateLimiter } from '../adapters/memory/memory-rate-limiter.js';
import { createMemorySpendLedger } from '../adapters/memory/memory-spend-ledger.js';
import { createMemoryTurnQueue } from '../adapters/memory/memory-turn-queue.js';
import { createMemoryStopRequestBus } from '../adapters/memory/memory-stop-request-bus.js';
import { createRedisStopRequestBus } from '../adapters/redis/redis-stop-request-bus.js';
import { createRedisKeys } from '../adapters/redis/redis-keys.js';
import type { SessionClosingSchedule, StopRequestBus } from '../core/sessions/ports.js';
import type { CallBudget } from '../core/quota/ports.js';
import { createMemoryCallBudget } from '../adapters/memory/memory-call-budget.js';
import { createRedisCallBudget } from '../adapters/redis/redis-call-budget.js';
import { createMemorySessionClosingSchedule } from '../adapters/memory/memory-session-closing-schedule.js';
import { createRedisSessionClosingSchedule } from '../adapters/redis/redis-session-closing-schedule.js';
import { createMemoryChannelDefaults } from '../adapters/memory/memory-channel-defaults.js';
import { createRedisChannelDefaults } from '../adapters/redis/redis-channel-defaults.js';
import type { ChannelDefaults } from '../core/channels/ports.js';
import { createRedisClient } from '../adapters/redis/create-redis-client.js';
import { createRedisConversationStore } from '../adapters/redis/redis-conversation-store.js';
import { createRedisFeedbackStore } from '../adapters/redis/redis-feedback-store.js';
import { createRedisDeliveryGuard } from '../adapters/redis/redis-delivery-guard.js';
import { createRedisRateLimiter } from '../adapters/redis/redis-rate-limiter.js';
import { createRedisSpendLedger } from '../adapters/redis/redis-spend-ledger.js';
import { createRedisTurnQueue } from '../adapters/redis/redis-turn-queue.js';
import { redactRedisUrl } from '../adapters/redis/redact-redis-url.js';
import type { Config } from '../config/load-config.js';
import { describeRedisTarget, type RedisMode } from '../config/redis-target.js';
import type { Clock, Logger } from '../core/shared/ports.js';
import type { ConversationStore } from '../core/thread/ports.js';
import type { DeliveryGuard } from '../core/intake/ports.js';
import type { RateLimiter } from '../core/intake/ports.js';
import type { TurnJob } from '../core/queue/turn-job.js';
import type { TurnQueue } from '../core/queue/ports.js';
import type { SpendLedger } from '../core/budget/ports.js';
import type { FeedbackStore } from '../core/feedback/ports.js';

/** Where the crew keeps state: Redis when REDIS_URL (or a cluster or sentinels) is set, else process memory. */
export interface StateBackend {
  /** How state is kept, as `/readyz` and the start log name it. */
  mode: RedisMode | 'memory';
  store: ConversationStore;
  guard: DeliveryGuard;
  rateLimiter: RateLimiter;
  queue: TurnQueue;
  /** Daily token use per workspace and channel (the budgets' counters). */
  spendLedger: SpendLedger;
  /** Carries Stop presses on agent sessions to the replica running the answer. */
  stopRequests: StopRequestBus;
  /** When each thread's agent session closes. */
  sessionClosing: SessionClosingSchedule;
  /** Slack call slots per workspace and method, shared by the fleet. */
  callBudget: CallBudget;
  /** Each channel's default agent (`/crew use`). */
  channelDefaults: ChannelDefaults;
  /** Votes on answers, kept with their thread for its retention. */
  feedbackStore: FeedbackStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What the state backend needs. */
export interface StateBackendOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Overrides `config.redisKeyPrefix` (tests isolate themselves with a unique one). */
  redisKeyPrefix?: string;
  /** Called when the queue gives up on a job. */
  onJobFailed: (job: TurnJob, error: unknown) => Promise<void>;
}

/**
 * Builds the store, delivery guard, rate limiter and turn queue on Redis (production) or in
 * memory (development, with a loud warning).
 */
export function createStateBackend(options: StateBackendOptions): StateBackend {
  const { config, logger, clock, onJobFailed } = options;
  const target = config.redis;
  if (target === undefined) {
    logger.warn(
      {},
      'REDIS_URL is not set: using the in-memory store. Thread memory and queued questions are lost on restart and not shared between replicas. Do not run this in production.',
    );
    const store = createMemoryConversationStore({ clock, retentionMs: config.conversation.retentionMs, maxTurns: config.conversation.maxStoredTurns });
    return {
      mode: 'memory',
      store,
      guard: createMemoryDeliveryGuard({ clock }),
      rateLimiter: createMemoryRateLimiter({ clock }),
      queue: createMemoryTurnQueue({ logger, concurrency: config.runtime.turnConcurrency, onJobFailed }),
      spendLedger: createMemorySpendLedger({ clock }),
      stopRequests: createMemoryStopRequestBus(),
      sessionClosing: createMemorySessionClosingSchedule(),
      callBudget: createMemoryCallBudget(),
      channelDefaults: createMemoryChannelDefaults({ clock }),
      feedbackStore: createMemoryFeedbackStore({ clock, retentionMs: config.conversation.retentionMs }),
      ping: () => store.ping(),
      close: async () => undefined,
    };
  }
  const keyPrefix = options.redisKeyPrefix ?? config.redisKeyPrefix;
  const redis = createRedisClient(target, { connectionName: 'crew', logger });
  // The last connection error says why Redis is unreachable better than a failed PING does.
  let connectionError: string | undefined;
  redis.on('error', (error: Error) => (connectionError = error.message));
  redis.on('ready', () => (connectionError = undefined));
  // Blocking stream reads get connections of their own, without a command timeout.
  const blocking = () => createRedisClient(target, { connectionName: 'crew-queue', logger, commandTimeoutMs: 0 });
  const store = createRedisConversationStore({
    redis,
    keyPrefix,
    retentionMs: config.conversation.retentionMs,
    maxTurns: config.conversation.maxStoredTurns,
    logger,
  });
  const queue = createRedisTurnQueue({
    redis,
    keyPrefix,
    logger,
    createConnection: blocking,
    concurrency: config.runtime.turnConcurrency,
    onJobFailed,
    clock,
    lockTtlMs: config.queue.lockTtlMs,
    // A crashed replica's turn is looked for at least once per lock lifetime.
    reclaimIntervalMs: Math.min(5_000, config.queue.lockTtlMs),
  });
  const stopRequests = createRedisStopRequestBus({
    redis,
    // A subscribed connection can run nothing else: one of its own.
    subscriber: createRedisClient(target, { connectionName: 'crew-stops', logger }),
    channel: createRedisKeys(keyPrefix).stopChannel,
    logger,
  });
  return {
    mode: target.mode,
    store,
    guard: createRedisDeliveryGuard({ redis, keyPrefix }),
    rateLimiter: createRedisRateLimiter({ redis, keyPrefix, clock }),
    queue,
    spendLedger: createRedisSpendLedger({ redis, keyPrefix }),
    stopRequests,
    callBudget: createRedisCallBudget({ redis, keyOf: createRedisKeys(keyPrefix).callBudget }),
    // Outlives every thread it schedules: a day past the conversations' retention.
    sessionClosing: createRedisSessionClosingSchedule({ redis, key: createRedisKeys(keyPrefix).sessionClosing, keyTtlMs: config.conversation.retentionMs + 86_400_000 }),
    channelDefaults: createRedisChannelDefaults({ redis, keyPrefix }),
    feedbackStore: createRedisFeedbackStore({ redis, keyPrefix, retentionMs: config.conversation.retentionMs, logger }),
    ping: async () => {
      try {
        await store.ping();
      } catch (error) {
        const cause = connectionError ?? (error instanceof Error ? error.message : String(error));
        throw new Error(`Redis at ${describeRedisTarget(target, redactRedisUrl)} is unreachable: ${cause}`);
      }
    },
    close: async () => {
      await stopRequests.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
