import type { TurnSettings } from '../core/turn/create-turn-runner.js';
import { ConfigError } from '../core/errors.js';
import { defaultQuestionFileLimits, type QuestionFileLimits } from '../core/files/choose-readable-files.js';
import { environmentSchema, type Environment } from './config-schema.js';
import { readRedisTarget, type RedisTarget } from './redis-target.js';

/** Validated configuration, shaped for the code that uses it. */
export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** `SLACK_FILE_HOSTS`: where shared files may be downloaded from; unset → Slack's file hosts. */
    fileHosts?: string[];
    /** `socket` when an app token is set, else `http`. */
    mode: 'http' | 'socket';
    /** `AGENT_SESSIONS`: show each thread as a Slack agent session (status, title, native Stop). */
    agentSessions: boolean;
    /** `SLACK_STREAM_CALLS_PER_MINUTE`: `chat.appendStream` calls per workspace per minute, for the whole fleet. */
    streamCallsPerMinute: number;
  };
  anthropic: {
    apiKey: string;
    baseUrl?: string;
    /** Web search / web fetch for agents that list them (`WEB_TOOLS`). */
    webTools: boolean;
    /** Model ids set by configuration; unset ones are resolved from the models the key can use. */
    modelOverrides: { default?: string; sonnet?: string; opus?: string; haiku?: string; fable?: string };
    maxOutputTokens: number;
    stallTimeoutMs: number;
    retryBudgetMs: number;
  };
  /** `REDIS_URL` (single-node mode only; see `redis`). */
  redisUrl?: string;
  /** Where Redis is (`REDIS_URL`, `REDIS_CLUSTER_NODES` or `REDIS_SENTINELS`); unset → in-memory state. */
  redis?: RedisTarget;
  port: number;
  /** Where and how `/metrics` is served. */
  metrics: {
    /** `METRICS_PORT`: serve `/metrics` on its own port (and not on `port`); unset → on `port`. */
    port?: number;
    /** `METRICS_TOKEN`: when set, `/metrics` requires this bearer token. */
    token?: string;
  };
  agentsDir: string;
  defaultAgent?: string;
  log: { level: Environment['LOG_LEVEL']; format: Environment['LOG_FORMAT'] };
  conversation: {
    historyTokenBudget: number;
    retentionMs: number;
    maxStoredTurns: number;
    maxQuestionChars: number;
  };
  runtime: {
    shutdownDeadlineMs: number;
    turnConcurrency: number;
    /** `FILES_PER_QUESTION`, `FILE_MAX_*`: what one question's files may be (images: the API's 5 MB). */
    fileLimits: QuestionFileLimits;
    /** `FILE_MEMORY_MB` in bytes: what the files of running turns may hold at once. */
    fileMemoryBytes: number;
    streamFlushIntervalMs: number;
  };
  /** Slack answer streams. */
  slackStream: {
    /** `STREAM_ROTATE_AFTER_MS`: a streaming message older than this continues in a new one. */
    rotateAfterMs: number;
  };
  /** Prefix of every Redis key (`REDIS_KEY_PREFIX`, default `crew:`). */
  redisKeyPrefix: string;
  /** Durable turn queue tuning. */
  queue: {
    /** Per-thread lock expiry (`TURN_LOCK_TTL_MS`). */
    lockTtlMs: number;
  };
  /** Who may ask, and how often. */
  access: {
    /** Undefined = no restriction. */
    allowedTeamIds?: string[];
    allowedChannelIds?: string[];
    allowedUserIds?: string[];
    /** Token bucket refill per minute; 0 = no limit. */
    userRateLimitPerMinute: number;
    /** Token bucket size. */
    userRateLimitBurst: number;
  };
  /** Daily token budgets in budget tokens (see `weighUsage`); undefined = no limit. */
  budgets: {
    /** `TEAM_DAILY_TOKEN_BUDGET`: per workspace per UTC day. */
    teamDailyTokens?: number;
    /** `CHANNEL_DAILY_TOKEN_BUDGET`: per channel (each DM is one) per UTC day. */
    channelDailyTokens?: number;
  };
  /** `/crew use`: each channel's default agent. */
  channelDefaults: {
    /** `CHANNEL_DEFAULT_EDITORS`: who may change it; undefined = anyone in the channel. */
    editorUserIds?: string[];
  };
}

const hints: Record<string, string> = {
  SLACK_BOT_TOKEN: 'OAuth & Permissions → Bot User OAuth Token',
  SLACK_SIGNING_SECRET: 'Basic Information → App Credentials → Signing Secret',
  SLACK_APP_TOKEN: 'Basic Information → App-Level Tokens (scope connections:write)',
  ANTHROPIC_API_KEY: 'console.anthropic.com → API keys',
};

/**
 * Validates the environment once and returns the config. Throws `ConfigError` naming every
 * offending variable (never its value: some are secrets).
 */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  // Empty (or blank) values count as unset, so `PORT=` in an env file means "use the default".
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      // Zod leaves `issue.input` out by default, so check the variable itself.
      const message = issue.code === 'invalid_type' && present[variable] === undefined ? 'is required' : issue.message;
      const hint = hints[variable];
      return `${variable} ${message}${hint ? ` (hint: ${hint})` : ''}`;
    });
    throw new ConfigError(problems);
  }
  const env = parsed.data;
  return {
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      ...(env.SLACK_FILE_HOSTS ? { fileHosts: env.SLACK_FILE_HOSTS.split(',').map((host) => host.trim()).filter((host) => host !== '') } : {}),
      mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
      agentSessions: env.AGENT_SESSIONS === 'on',
      streamCallsPerMinute: env.SLACK_STREAM_CALLS_PER_MINUTE,
    },
    anthropic: {
      apiKey: env.ANTHROPIC_API_KEY,
      baseUrl: env.ANTHROPIC_BASE_URL,
      webTools: env.WEB_TOOLS === 'on',
      modelOverrides: {
        default: env.CLAUDE_MODEL,
        sonnet: env.CLAUDE_MODEL_SONNET,
        opus: env.CLAUDE_MODEL_OPUS,
        haiku: env.CLAUDE_MODEL_HAIKU,
        fable: env.CLAUDE_MODEL_FABLE,
      },
      maxOutputTokens: env.MAX_OUTPUT_TOKENS,
      stallTimeoutMs: env.MODEL_STALL_TIMEOUT_MS,
      retryBudgetMs: env.MODEL_RETRY_BUDGET_MS,
    },
    redisUrl: env.REDIS_URL,
    redis: readRedisTarget(env),
    port: env.PORT,
    metrics: { port: env.METRICS_PORT, token: env.METRICS_TOKEN },
    agentsDir: env.AGENTS_DIR,
    defaultAgent: env.DEFAULT_AGENT,
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    conversation: {
      historyTokenBudget: env.HISTORY_TOKEN_BUDGET,
      retentionMs: env.THREAD_RETENTION_DAYS * 24 * 60 * 60 * 1000,
      maxStoredTurns: env.MAX_STORED_TURNS,
      maxQuestionChars: env.MAX_QUESTION_CHARS,
    },
    runtime: {
      shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS,
      turnConcurrency: env.TURN_CONCURRENCY,
      fileMemoryBytes: env.FILE_MEMORY_MB * 1024 * 1024,
      fileLimits: {
        maxFiles: env.FILES_PER_QUESTION,
        maxTextBytes: env.FILE_MAX_TEXT_KB * 1024,
        maxImageBytes: defaultQuestionFileLimits.maxImageBytes,
        maxPdfBytes: env.FILE_MAX_PDF_MB * 1024 * 1024,
        maxTotalBytes: env.FILE_MAX_MB_PER_QUESTION * 1024 * 1024,
      },
      streamFlushIntervalMs: env.STREAM_FLUSH_INTERVAL_MS,
    },
    slackStream: { rotateAfterMs: env.STREAM_ROTATE_AFTER_MS },
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    queue: { lockTtlMs: env.TURN_LOCK_TTL_MS },
    access: {
      allowedTeamIds: env.ALLOWED_TEAM_IDS,
      allowedChannelIds: env.ALLOWED_CHANNEL_IDS,
      allowedUserIds: env.ALLOWED_USER_IDS,
      userRateLimitPerMinute: env.USER_RATE_LIMIT_PER_MINUTE,
      userRateLimitBurst: env.USER_RATE_LIMIT_BURST ?? Math.max(1, env.USER_RATE_LIMIT_PER_MINUTE),
    },
    budgets: { teamDailyTokens: env.TEAM_DAILY_TOKEN_BUDGET, channelDailyTokens: env.CHANNEL_DAILY_TOKEN_BUDGET },
    channelDefaults: { editorUserIds: env.CHANNEL_DEFAULT_EDITORS },
  };
}

/** The turn runner's settings, read from the config (shared by the bot and `crew ask`). */
export function toTurnSettings(config: Config): TurnSettings {
  return {
    maxOutputTokens: config.anthropic.maxOutputTokens,
    webTools: config.anthropic.webTools,
    historyTokenBudget: config.conversation.historyTokenBudget,
    stallTimeoutMs: config.anthropic.stallTimeoutMs,
    retryBudgetMs: config.anthropic.retryBudgetMs,
  };
}
