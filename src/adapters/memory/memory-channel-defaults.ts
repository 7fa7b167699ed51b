import type { ChannelDefault, ChannelDefaults, ChannelKey } from '../../core/channels/ports.js';
import type { Clock } from '../../core/shared/ports.js';

/** Options of {@link createMemoryChannelDefaults}. */
export interface MemoryChannelDefaultsOptions {
  clock?: Clock;
  /** Lifetime after the last set or read (default one year, as on Redis). */
  ttlMs?: number;
}

/** The in-process twin, plus a look at what it keeps (tests and diagnostics). */
export interface MemoryChannelDefaults extends ChannelDefaults {
  /** Every channel with a default, with the ms left until it expires. */
  listEntries(): Array<{ key: string; expiresInMs: number }>;
}

/**
 * Channel defaults in process memory (used without Redis; not shared between replicas, lost on
 * restart). Same lifetime rule as the Redis adapter: renewed on every set and every read that finds it.
 */
export function createMemoryChannelDefaults(options: MemoryChannelDefaultsOptions = {}): MemoryChannelDefaults {
  const clock = options.clock ?? { now: () => Date.now() };
  const ttlMs = options.ttlMs ?? 365 * 24 * 60 * 60 * 1000;
  const entries = new Map<string, { value: ChannelDefault; expiresAt: number }>();
  const keyOf = (channel: ChannelKey) => `channel:${channel.teamId}:${channel.channelId}`;

  return {
    async get(channel) {
      const key = keyOf(channel);
      const entry = entries.get(key);
      const now = clock.now();
      if (!entry || entry.expiresAt <= now) {
        entries.delete(key);
        return undefined;
      }
      entry.expiresAt = now + ttlMs;
      return { ...entry.value };
    },
    async set(channel, value) {
      // Bounded by the number of channels the crew is used in; expired entries go when read.
      entries.set(keyOf(channel), { value: { ...value }, expiresAt: clock.now() + ttlMs });
    },
    async clear(channel) {
      entries.delete(keyOf(channel));
    },
    listEntries() {
      const now = clock.now();
      return [...entries].filter(([, entry]) => entry.expiresAt > now).map(([key, entry]) => ({ key, expiresInMs: entry.expiresAt - now }));
    },
  };
}
