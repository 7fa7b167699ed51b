import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startCrew, type Crew } from '../../src/create-crew.js';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.js';
import { postSlackEvent, postSlashCommand } from '../fakes/sign-slack-request.js';
import { createRedisTestContext, testRedisUrl, type RedisTestContext } from '../helpers/redis-test-prefix.js';

/** Options for a test crew. */
export interface HarnessOptions {
  mode?: 'http' | 'socket';
  /** false → in-memory store (no REDIS_URL). */
  redis?: boolean;
  /** Extra environment variables (override defaults). */
  env?: Record<string, string>;
  /** Reuse fakes / Redis prefix across restarts. */
  shared?: { slack: FakeSlackApi; anthropic: FakeAnthropicApi; redis?: RedisTestContext };
}

/** A running crew wired to loopback fakes and a real Redis, plus helpers to talk to it like Slack. */
export interface CrewHarness {
  crew: Crew;
  slack: FakeSlackApi;
  anthropic: FakeAnthropicApi;
  redis?: RedisTestContext;
  signingSecret: string;
  eventsUrl: string;
  /** Every JSON log line the crew wrote. */
  logs: Array<Record<string, unknown>>;
  /** Raw log output. */
  rawLogs(): string;
  postEvent(body: unknown, options?: { timestampSec?: number; retryNum?: number; badSignature?: boolean }): Promise<{ status: number; body: string }>;
  postCommand(fields: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Stops the crew only (fakes and Redis stay, for restarts). */
  stopCrew(deadlineMs?: number): Promise<void>;
  /** Starts a new crew process-equivalent against the same fakes and Redis prefix. */
  restart(): Promise<CrewHarness>;
  /** Stops everything and deletes the test's Redis keys. */
  close(): Promise<void>;
}

const signingSecret = 'test-signing-secret';

/** Starts the real crew (Bolt receiver over HTTP, or Socket Mode) against the fakes. */
export async function startCrewHarness(options: HarnessOptions = {}): Promise<CrewHarness> {
  const slack = options.shared?.slack ?? (await startFakeSlackApi());
  const anthropic = options.shared?.anthropic ?? (await startFakeAnthropicApi());
  const useRedis = options.redis ?? true;
  const redis = options.shared?.redis ?? (useRedis ? await createRedisTestContext('e2e') : undefined);
  const environment: Record<string, string> = {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.url,
    // Files are downloaded from the fake's host only (as Slack's file hosts in production).
    SLACK_FILE_HOSTS: new URL(slack.url).host,
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
    ANTHROPIC_BASE_URL: anthropic.url,
    PORT: '0',
    AGENTS_DIR: 'agents',
    LOG_LEVEL: process.env.CREW_TEST_LOG_LEVEL ?? 'debug',
    STREAM_FLUSH_INTERVAL_MS: '40',
    MODEL_RETRY_BUDGET_MS: '3000',
    ...(redis ? { REDIS_URL: testRedisUrl } : {}),
    ...(options.mode === 'socket' ? { SLACK_APP_TOKEN: 'xapp-test-token' } : {}),
    ...options.env,
  };
  const config = loadConfig(environment);
  const logs: Array<Record<string, unknown>> = [];
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString('utf8');
      raw += text;
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not JSON: ignore
        }
      }
      callback();
    },
  });
  const logger = createLogger({ level: config.log.level, format: 'json', destination });
  let crew: Crew;
  try {
    crew = await startCrew({ config, logger, redisKeyPrefix: redis?.prefix });
  } catch (error) {
    if (!options.shared) {
      await slack.close();
      await anthropic.close();
      await redis?.cleanup();
    }
    throw error;
  }
  if (options.mode === 'socket') await slack.socketConnected();
  const eventsUrl = `http://127.0.0.1:${crew.port}/slack/events`;

  const harness: CrewHarness = {
    crew,
    slack,
    anthropic,
    redis,
    signingSecret,
    eventsUrl,
    logs,
    rawLogs: () => raw,
    async postEvent(body, postOptions = {}) {
      slack.ingestEvent(body);
      if (options.mode === 'socket') {
        const ack = await slack.sendSocketEvent(body, { type: 'events_api' });
        return { status: ack ? 200 : 500, body: JSON.stringify(ack) };
      }
      return postSlackEvent(eventsUrl, body, { signingSecret, ...postOptions });
    },
    async postCommand(fields) {
      if (options.mode === 'socket') {
        const ack = await slack.sendSocketEvent(fields, { type: 'slash_commands' });
        return { status: 200, body: JSON.stringify(ack.payload ?? {}) };
      }
      return postSlashCommand(eventsUrl, fields, { signingSecret });
    },
    stopCrew: (deadlineMs = 2000) => crew.stop(deadlineMs),
    async restart() {
      return startCrewHarness({ ...options, shared: { slack, anthropic, redis } });
    },
    async close() {
      await crew.stop(500).catch(() => undefined);
      if (!options.shared) {
        await slack.close();
        await anthropic.close();
        await redis?.cleanup();
      }
    },
  };
  return harness;
}
