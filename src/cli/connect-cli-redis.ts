import { createRedisClient } from '../adapters/redis/create-redis-client.js';
import { redactRedisUrl } from '../adapters/redis/redact-redis-url.js';
import type { RedisClient } from '../adapters/redis/redis-client.js';
import { loadConfig, type Config } from '../config/load-config.js';
import { describeRedisTarget } from '../config/redis-target.js';
import { ConfigError } from '../core/errors.js';
import type { CommandIo } from './lint-agents.js';

/** The bot's Redis as a CLI command reaches it, with the config it was read from. */
export interface CliRedis {
  config: Config;
  redis: RedisClient;
  /** The Redis named for messages (password redacted). */
  where: string;
  close(): Promise<void>;
}

/**
 * Connects a CLI command to the Redis the bot uses (`REDIS_URL`, `REDIS_CLUSTER_NODES` or
 * `REDIS_SENTINELS`), or says why it cannot: `missingRedis` when none is set, the configuration's
 * problems otherwise. Returns the exit code (2) when it cannot.
 */
export function connectCliRedis(environment: Record<string, string | undefined>, io: CommandIo, missingRedis: string): CliRedis | number {
  if (!environment.REDIS_URL && !environment.REDIS_CLUSTER_NODES && !environment.REDIS_SENTINELS) {
    io.err.write(missingRedis);
    return 2;
  }
  let config: Config;
  try {
    // Only the Redis settings (and retention) matter here; the rest gets placeholders to pass validation.
    config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-not-used', SLACK_SIGNING_SECRET: 'not-used', ANTHROPIC_API_KEY: 'not-used', ...environment });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err.write(`✘ configuration:\n  - ${error.problems.join('\n  - ')}\n`);
      return 2;
    }
    throw error;
  }
  const target = config.redis;
  if (target === undefined) return 2;
  const redis = createRedisClient(target, { connectionName: 'crew-cli' });
  return {
    config,
    redis,
    where: describeRedisTarget(target, redactRedisUrl),
    close: () => redis.quit().then(() => undefined, () => redis.disconnect()),
  };
}
