import { createRedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';
import type { SpendLedger, SpendScopeKeys, SpendTotals } from '../../core/budget/ports.js';
import { StoreUnavailableError } from '../../core/errors.js';
import { checkWeightedTokens } from '../../core/budget/check-weighted-tokens.js';

/** Options of {@link createRedisSpendLedger}. */
export interface RedisSpendLedgerOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
  /** Lifetime of a day's counter after its last write (default 2 days: the day itself plus slack for clock skew). */
  retentionMs?: number;
}

/**
 * KEYS: the day's counters (workspace, channel). ARGV: weighted tokens, expiry ms. Adds to
 * each counter and renews its expiry in one atomic step; returns the totals after.
 */
const RECORD_SPEND_SCRIPT = `
local totals = {}
for index, key in ipairs(KEYS) do
  totals[index] = redis.call('INCRBY', key, ARGV[1])
  redis.call('PEXPIRE', key, ARGV[2])
end
return totals
`;

/** Default lifetime of a day's counter after its last write. */
export const defaultSpendRetentionMs = 2 * 24 * 60 * 60 * 1000;

/**
 * Daily spend counters on Redis, shared by every replica. Per UTC day, a workspace counter
 * `<prefix>spend:{T1}:team:2026-12-02` and one per channel `<prefix>spend:{T1}:channel:C1:2026-12-02`
 * (plain integers). Both share the workspace's `{…}` hash tag, so on Redis Cluster one MGET reads
 * and one script writes both. Every counter expires; failures surface as `StoreUnavailableError`.
 */
export function createRedisSpendLedger(options: RedisSpendLedgerOptions): SpendLedger {
  const { redis } = options;
  const keys = createRedisKeys(options.keyPrefix);
  const retentionMs = options.retentionMs ?? defaultSpendRetentionMs;

  async function runRoundTrip<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`Redis spend ${operation} failed: ${reason}`, { cause: error });
    }
  }

  /** The workspace id is the `{…}` hash tag: both keys sit in one Redis Cluster slot. */
  function keysOf(scopes: SpendScopeKeys, day: string): { team: string; channel: string } {
    return { team: keys.teamSpend(scopes.teamId, day), channel: keys.channelSpend(scopes.teamId, scopes.channelId, day) };
  }

  return {
    async read(scopes: SpendScopeKeys, day: string): Promise<SpendTotals> {
      const { team, channel } = keysOf(scopes, day);
      const [teamTotal, channelTotal] = await runRoundTrip('read', () => redis.mget(team, channel));
      return { team: Number(teamTotal ?? 0), channel: Number(channelTotal ?? 0) };
    },
    async record(scopes: SpendScopeKeys, weightedTokens: number, day: string): Promise<SpendTotals> {
      checkWeightedTokens(weightedTokens);
      const { team, channel } = keysOf(scopes, day);
      const reply = await runRoundTrip('record', () => redis.eval(RECORD_SPEND_SCRIPT, 2, team, channel, weightedTokens, retentionMs));
      const [teamTotal, channelTotal] = Array.isArray(reply) ? reply.map(Number) : [];
      return { team: teamTotal ?? 0, channel: channelTotal ?? 0 };
    },
  };
}
