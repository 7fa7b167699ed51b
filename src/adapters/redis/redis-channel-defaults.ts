import type { RedisClient } from './redis-client.js';
import type { ChannelDefault, ChannelDefaults, ChannelKey } from '../../core/channels/ports.js';
import { StoreUnavailableError } from '../../core/errors.js';
import { createRedisKeys } from './redis-keys.js';

/** Options of {@link createRedisChannelDefaults}. */
export interface RedisChannelDefaultsOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
  /** Lifetime of a channel's settings after the last set or read (default {@link defaultChannelSettingsTtlMs}). */
  ttlMs?: number;
}

/**
 * A channel default is a setting someone made on purpose, so it must outlive a quiet quarter;
 * but every key needs an end. A year, renewed by every set and every read that finds it (each
 * question naming no agent in the channel reads it), so only a channel nobody asked the crew in
 * for a year forgets its default.
 */
export const defaultChannelSettingsTtlMs = 365 * 24 * 60 * 60 * 1000;

const fields = ['defaultAgent', 'defaultSetBy', 'defaultSetAt'] as const;

/**
 * Channel defaults on Redis, shared by every replica: one hash per channel,
 * `<prefix>channel:{T1:C1}` with `defaultAgent`, `defaultSetBy`, `defaultSetAt`. Each operation is
 * one MULTI on that one key (a single Redis Cluster slot). Failures surface as `StoreUnavailableError`.
 */
export function createRedisChannelDefaults(options: RedisChannelDefaultsOptions): ChannelDefaults {
  const { redis } = options;
  const keys = createRedisKeys(options.keyPrefix);
  const ttlMs = options.ttlMs ?? defaultChannelSettingsTtlMs;
  const keyOf = (channel: ChannelKey) => keys.channel(channel.teamId, channel.channelId);

  async function runRoundTrip(operation: string, send: () => Promise<Array<[Error | null, unknown]> | null>): Promise<unknown[]> {
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await send();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`Redis channel default ${operation} failed: ${reason}`, { cause: error });
    }
    if (results === null) throw new StoreUnavailableError(`Redis channel default ${operation} was aborted`);
    const failed = results.find(([error]) => error !== null)?.[0];
    if (failed) throw new StoreUnavailableError(`Redis channel default ${operation} failed: ${failed.message}`, { cause: failed });
    return results.map(([, value]) => value);
  }

  return {
    async get(channel) {
      const key = keyOf(channel);
      const [values] = await runRoundTrip('get', () => redis.multi().hmget(key, ...fields).pexpire(key, ttlMs).exec());
      const [agentName, setBy, setAt] = Array.isArray(values) ? (values as Array<string | null>) : [];
      if (!agentName) return undefined;
      return { agentName, setBy: setBy ?? '', setAt: Number(setAt ?? 0) || 0 } satisfies ChannelDefault;
    },
    async set(channel, value) {
      const key = keyOf(channel);
      await runRoundTrip('set', () =>
        redis.multi().hset(key, { defaultAgent: value.agentName, defaultSetBy: value.setBy, defaultSetAt: String(value.setAt) }).pexpire(key, ttlMs).exec(),
      );
    },
    async clear(channel) {
      // Only the default's fields: other settings of the channel (if any are added) stay.
      await runRoundTrip('clear', () => redis.multi().hdel(keyOf(channel), ...fields).exec());
    },
  };
}
