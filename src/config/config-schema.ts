import { DEFAULT_REDIS_KEY_PREFIX } from '../adapters/redis/redis-keys.js';
import { z } from 'zod';
import { boundedDurationMs, boundedInteger } from './bounded-integer.js';
import { findRedisTargetProblems, redisNodeList } from './redis-target.js';

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A comma-separated list of Slack ids; unset or blank → undefined (no restriction). */
const idList = z
  .string()
  .transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''))
  .refine((ids) => ids.every((id) => /^[A-Z0-9]+$/.test(id)), { message: 'must be comma-separated Slack ids such as T0123ABCD' })
  .transform((ids) => (ids.length === 0 ? undefined : ids))
  .optional();

const portNumber = () => boundedInteger({ min: 0, max: 65535, minMessage: 'must be a port number from 0 to 65535' });

/**
 * A daily token budget: a whole number of budget tokens (input-token equivalents, see
 * `weighUsage`) up to 10^12 (about $3M a day at Sonnet's input price: anything larger is a typo);
 * unset = no limit. 0 is refused rather than read as "nothing allowed", which nobody means.
 */
const optionalDailyBudget = z.coerce
  .number()
  .int('must be a whole number of budget tokens')
  .positive('must be greater than 0 (leave it unset for no limit)')
  .max(1_000_000_000_000, 'must be at most 1000000000000')
  .optional();

/**
 * Environment variables the crew reads. Names are a contract (README, Docker, tests).
 * Each field's TSDoc is what the README's table says.
 */
export const environmentSchema = z
  .object({
    /** Bot token (xoxb-…). */
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-'),
    /** HTTP mode: verifies Slack's request signatures. Required unless SLACK_APP_TOKEN is set. */
    SLACK_SIGNING_SECRET: optionalString,
    /** When set (xapp-…), the bot runs in Socket Mode instead of HTTP. */
    SLACK_APP_TOKEN: optionalString.refine((value) => value === undefined || value.startsWith('xapp-'), {
      message: 'must be an app-level token starting with xapp-',
    }),
    /** Optional Slack Web API base URL (tests, proxies). */
    SLACK_API_URL: optionalString.refine((value) => value === undefined || URL.canParse(value), { message: 'must be a URL' }),
    /** Model API key. */
    ANTHROPIC_API_KEY: z.string().min(1, 'is required'),
    /** Optional model API base URL (the SDK reads it too). */
    ANTHROPIC_BASE_URL: optionalString.refine((value) => value === undefined || URL.canParse(value), { message: 'must be a URL' }),
    /** Redis URL for thread state; unset → in-memory store (development only). */
    REDIS_URL: optionalString.refine((value) => value === undefined || /^rediss?:\/\//.test(value), {
      message: 'must start with redis:// or rediss://',
    }),
    /** Redis Cluster nodes to start from, `host:port,…` (`rediss://host:port` for TLS); instead of REDIS_URL. */
    REDIS_CLUSTER_NODES: redisNodeList,
    /** Redis Sentinels, `host:port,…`, with REDIS_SENTINEL_NAME; instead of REDIS_URL. */
    REDIS_SENTINELS: redisNodeList,
    /** Name of the primary the sentinels watch (required with REDIS_SENTINELS). */
    REDIS_SENTINEL_NAME: optionalString,
    /** Password of the cluster nodes or of the sentinel-managed primary (with REDIS_URL, put it in the URL). */
    REDIS_PASSWORD: optionalString,
    /** HTTP port for Slack events (HTTP mode) and health/readiness (and metrics, unless METRICS_PORT) endpoints (both modes). */
    PORT: portNumber().default(3000),
    /** When set, `/metrics` is served on this port only (and no longer on PORT). */
    METRICS_PORT: portNumber().optional(),
    /** When set, `/metrics` requires `Authorization: Bearer <token>`. */
    METRICS_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, {
      message: 'must be at least 16 characters (a short token is guessable)',
    }),
    /** Folder of agent files. */
    AGENTS_DIR: z.string().default('agents'),
    /** Agent for bare mentions and DMs. */
    DEFAULT_AGENT: optionalString,
    /** pino log level. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `json` (default) or `pretty` for development. */
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    /** Hosts shared files are downloaded from (comma-separated); default Slack's file hosts. For tests against a fake Slack. */
    SLACK_FILE_HOSTS: optionalString,
    AGENT_SESSIONS: z.enum(['on', 'off']).default('on'),
    SLACK_STREAM_CALLS_PER_MINUTE: boundedInteger({ min: 1, max: 10_000, maxReason: 'far above any Slack tier' }).default(90),
    /** `off` disables web search and web fetch for every agent of the install. */
    WEB_TOOLS: z.enum(['on', 'off']).default('on'),
    /** Model for agents with `model: inherit` or none; unset = the newest Sonnet the key can use. */
    CLAUDE_MODEL: optionalString,
    /** Model ids the agent-file aliases stand for; unset = the newest model of that family the key can use. */
    CLAUDE_MODEL_SONNET: optionalString,
    CLAUDE_MODEL_OPUS: optionalString,
    CLAUDE_MODEL_HAIKU: optionalString,
    CLAUDE_MODEL_FABLE: optionalString,
    /** Maximum tokens in one answer. */
    MAX_OUTPUT_TOKENS: boundedInteger({ min: 1, max: 128_000, maxReason: "today's models write at most 128K tokens" }).default(4096),
    /** Input token budget for a turn's history (the model's context window also bounds it). */
    HISTORY_TOKEN_BUDGET: boundedInteger({ min: 1, max: 1_000_000, maxReason: 'the largest context window is 1M tokens' }).default(60_000),
    /** Days a thread's state is kept after its last activity. */
    THREAD_RETENTION_DAYS: boundedInteger({ min: 1, max: 365, maxReason: 'one year' }).default(30),
    /** Most turns (questions + answers) kept per thread; older pairs are dropped. */
    MAX_STORED_TURNS: boundedInteger({ min: 1, max: 10_000, maxReason: 'every turn is read back for each answer' }).default(200).refine((value) => value >= 2 && value % 2 === 0, {
      message: 'must be an even number of at least 2 (turns are kept in question/answer pairs)',
    }),
    /** Longest question accepted, in characters; longer ones are trimmed with a note. */
    MAX_QUESTION_CHARS: boundedInteger({ min: 1, max: 100_000, maxReason: 'a Slack message holds at most 40000' }).default(20_000),
    /** Abort a model stream when no token arrives for this long. */
    MODEL_STALL_TIMEOUT_MS: boundedDurationMs({ min: 1, max: 600_000, maxReason: 'a stalled stream holds an answer slot this long' }).default(60_000),
    /** Total time spent retrying a busy model before giving up. */
    MODEL_RETRY_BUDGET_MS: boundedDurationMs({ min: 1, max: 600_000, maxReason: 'the asker waits that long in silence' }).default(45_000),
    /** On SIGTERM, how long in-flight answers may finish before they are interrupted. */
    SHUTDOWN_DEADLINE_MS: boundedDurationMs({ min: 1, max: 600_000, maxReason: 'orchestrators kill a stopping process well before that' }).default(20_000),
    /** Answers running at once per process (one process streams 500 at once with event-loop delay p99 < 100 ms: see the README's benchmark). */
    /** Limits on the files read with one question (see `choose-readable-files.ts`). */
    FILES_PER_QUESTION: boundedInteger({ min: 0, max: 50, maxReason: 'more files than that do not fit one request' }).default(10),
    FILE_MAX_TEXT_KB: boundedInteger({ min: 1, max: 4_096, maxReason: 'a longer text does not fit the context window' }).default(512),
    FILE_MAX_PDF_MB: boundedInteger({ min: 1, max: 32, maxReason: "the Messages API's request limit is 32 MB" }).default(20),
    FILE_MAX_MB_PER_QUESTION: boundedInteger({ min: 1, max: 32, maxReason: "the Messages API's request limit is 32 MB" }).default(30),
    /** Megabytes the files of running turns may take at once in one process; more wait their turn. */
    FILE_MEMORY_MB: boundedInteger({ min: 8, max: 4_096, maxReason: 'a process that large should run as several replicas' }).default(96),
    TURN_CONCURRENCY: boundedInteger({ min: 1, max: 2_000, maxReason: "Slack's per-workspace rate limits bind long before" }).default(256),
    /** Slack stream flush interval once the first words are out. */
    STREAM_FLUSH_INTERVAL_MS: boundedDurationMs({ min: 1, max: 60_000, maxReason: 'the thread would show nothing new for a minute' }).default(800),
    /** Age after which a streaming Slack message continues in a new one (Slack expires streams at ~5 min). */
    STREAM_ROTATE_AFTER_MS: boundedDurationMs({ min: 1, max: 270_000, maxReason: 'Slack ends a stream after about 5 minutes' }).default(240_000),
    /** Prefix of every Redis key (several crews, or tests, can share one Redis). */
    REDIS_KEY_PREFIX: z
      .string()
      .default(DEFAULT_REDIS_KEY_PREFIX)
      .refine((value) => !/[{}]/.test(value), { message: 'must not contain { or } (they would break the per-thread hash tag)' }),
    /** Per-thread lock expiry; renewed every third of it while a turn runs, so a crashed holder frees the thread this fast. */
    TURN_LOCK_TTL_MS: boundedDurationMs({ min: 1000, max: 600_000, maxReason: "a crashed replica's turn waits this long to resume" }).default(30_000),
    /** Comma-separated workspace ids (T…) the crew answers in; unset = every workspace. */
    ALLOWED_TEAM_IDS: idList,
    /** Comma-separated channel ids (C…/G…) the crew answers in; unset = every channel. DMs are not channel-restricted. */
    ALLOWED_CHANNEL_IDS: idList,
    /** Comma-separated user ids (U…/W…) the crew answers; unset = everyone. */
    ALLOWED_USER_IDS: idList,
    /** Questions one person may ask per minute (token bucket refill rate); 0 turns the limit off. */
    USER_RATE_LIMIT_PER_MINUTE: boundedInteger({ min: 0, max: 1_000, minMessage: 'must be 0 (off) or more', maxReason: 'use 0 to turn the limit off' }).default(10),
    /** Questions one person may ask in a quick burst (bucket size); default = USER_RATE_LIMIT_PER_MINUTE. */
    USER_RATE_LIMIT_BURST: boundedInteger({ min: 1, max: 1_000 }).optional(),
    /** Budget tokens per workspace per UTC day (output counts 5, cache writes 1.25, cache reads 0.1 per token); unset = no limit. */
    TEAM_DAILY_TOKEN_BUDGET: optionalDailyBudget,
    /** Budget tokens per channel (each DM is one) per UTC day; unset = no limit. */
    CHANNEL_DAILY_TOKEN_BUDGET: optionalDailyBudget,
    /** Comma-separated user ids (U…/W…) who may change a channel's default agent (`/crew use`); unset = anyone in the channel. */
    CHANNEL_DEFAULT_EDITORS: idList,
  })
  .superRefine((environment, context) => {
    if (environment.SLACK_APP_TOKEN === undefined && environment.SLACK_SIGNING_SECRET === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required in HTTP mode (or set SLACK_APP_TOKEN to use Socket Mode)',
      });
    }
    if (environment.METRICS_PORT !== undefined && environment.METRICS_PORT !== 0 && environment.METRICS_PORT === environment.PORT) {
      context.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT (unset it to serve /metrics on PORT)' });
    }
    for (const problem of findRedisTargetProblems(environment)) context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    // Run even when other variables failed, so one error names every problem.
  }, { when: () => true });

/** Raw validated environment. */
export type Environment = z.infer<typeof environmentSchema>;
