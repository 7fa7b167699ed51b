import { Writable } from 'node:stream';
import { createLogger } from '../src/adapters/logging/create-logger.js';
import { loadConfig } from '../src/config/load-config.js';
import { startCrew, type Crew } from '../src/create-crew.js';
import { startFakeAnthropicApi, type FakeAnthropicApi, type FakeAnthropicApiOptions } from '../test/fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../test/fakes/fake-slack-api.js';
import { postSlackEvent } from '../test/fakes/sign-slack-request.js';
import { createRedisTestContext, testRedisUrl, type RedisTestContext } from '../test/helpers/redis-test-prefix.js';

/** Signing secret shared by the bench and its crew. */
export const BENCH_SIGNING_SECRET = 'bench-signing-secret';

/** Options of {@link startBenchCrew}. */
export interface BenchCrewOptions {
  /** Environment overrides on top of production defaults. */
  env?: Record<string, string>;
  /** Internal option of startCrew: prompt-cache breakpoints (default true). */
  promptCaching?: boolean;
  /** Options of the in-process fake Anthropic API. */
  anthropic?: FakeAnthropicApiOptions;
  /** Fakes running elsewhere (another process): their URLs instead of in-process fakes. */
  external?: { slackUrl: string; anthropicUrl: string };
}

/** The real app (startCrew) wired to loopback fakes and a real Redis under a unique prefix. */
export interface BenchCrew {
  crew: Crew;
  /** In-process fakes (absent with `external`). */
  slack?: FakeSlackApi;
  anthropic?: FakeAnthropicApi;
  redis: RedisTestContext;
  eventsUrl: string;
  /** Log lines at warn or above, parsed (to report problems during a run). */
  problems: Array<Record<string, unknown>>;
  /** Posts a signed event like Slack does; resolves with the HTTP status. */
  postEvent(body: unknown): Promise<number>;
  /** Stops the crew and the fakes, deletes every key under the prefix. */
  close(): Promise<void>;
}

/**
 * Starts the crew as production would run it — every setting at its default (flush interval,
 * concurrency, budget …) unless overridden — in HTTP mode against loopback fakes, with logs at
 * `warn` so logging does not dominate the figures.
 */
export async function startBenchCrew(options: BenchCrewOptions = {}): Promise<BenchCrew> {
  const slack = options.external ? undefined : await startFakeSlackApi();
  const anthropic = options.external ? undefined : await startFakeAnthropicApi(options.anthropic);
  const redis = await createRedisTestContext('bench');
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: options.external?.slackUrl ?? (slack as FakeSlackApi).url,
    ANTHROPIC_API_KEY: 'sk-ant-bench-key',
    ANTHROPIC_BASE_URL: options.external?.anthropicUrl ?? (anthropic as FakeAnthropicApi).url,
    REDIS_URL: testRedisUrl,
    PORT: '0',
    AGENTS_DIR: 'agents',
    LOG_LEVEL: 'warn',
    // Shared files come from the in-process fake Slack's host.
    ...(slack ? { SLACK_FILE_HOSTS: new URL(slack.url).host } : {}),
    ...options.env,
  });
  const problems: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          if (problems.length < 1000) problems.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not JSON
        }
      }
      callback();
    },
  });
  const logger = createLogger({ level: config.log.level, format: 'json', destination });
  const crew = await startCrew({ config, logger, redisKeyPrefix: redis.prefix, promptCaching: options.promptCaching });
  const eventsUrl = `http://127.0.0.1:${crew.port}/slack/events`;

  return {
    crew,
    slack,
    anthropic,
    redis,
    eventsUrl,
    problems,
    async postEvent(body) {
      slack?.ingestEvent(body);
      const result = await postSlackEvent(eventsUrl, body, { signingSecret: BENCH_SIGNING_SECRET });
      return result.status;
    },
    async close() {
      await crew.stop(2000).catch(() => undefined);
      await slack?.close();
      await anthropic?.close();
      await redis.cleanup();
    },
  };
}
