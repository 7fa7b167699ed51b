import { checkWeightedTokens } from '../../core/budget/check-weighted-tokens.js';
import type { SpendLedger, SpendScopeKeys, SpendTotals } from '../../core/budget/ports.js';

/** Options of {@link createMemorySpendLedger}. */
export interface MemorySpendLedgerOptions {
  clock?: { now(): number };
  /** Lifetime of a day's counter after its last write (default 2 days, as on Redis). */
  retentionMs?: number;
}

/** The in-process ledger, plus a look at its counters' lifetimes (diagnostics and tests). */
export interface MemorySpendLedger extends SpendLedger {
  /** Every counter kept, with the ms left until it expires. */
  listCounters(): Array<{ key: string; expiresInMs: number }>;
}

/**
 * Daily spend counters in process memory (used without Redis; not shared between replicas).
 * Same keys and expiry as the Redis ledger; expired counters are swept out (at most once a minute) on writes.
 */
export function createMemorySpendLedger(options: MemorySpendLedgerOptions = {}): MemorySpendLedger {
  const clock = options.clock ?? { now: () => Date.now() };
  const retentionMs = options.retentionMs ?? 2 * 24 * 60 * 60 * 1000;
  const counters = new Map<string, { total: number; expiresAt: number }>();

  function totalOf(key: string, now: number): number {
    const counter = counters.get(key);
    return counter && counter.expiresAt > now ? counter.total : 0;
  }

  let sweptAt = Number.NEGATIVE_INFINITY;
  /** At most once a minute, so a write stays O(1) however many channels there are. */
  function dropExpired(now: number): void {
    if (now - sweptAt < 60_000) return;
    sweptAt = now;
    for (const [key, counter] of counters) if (counter.expiresAt <= now) counters.delete(key);
  }

  return {
    async read(scopes: SpendScopeKeys, day: string): Promise<SpendTotals> {
      const now = clock.now();
      const { team, channel } = keysOf(scopes, day);
      return { team: totalOf(team, now), channel: totalOf(channel, now) };
    },
    async record(scopes: SpendScopeKeys, weightedTokens: number, day: string): Promise<SpendTotals> {
      checkWeightedTokens(weightedTokens);
      const now = clock.now();
      dropExpired(now);
      const { team, channel } = keysOf(scopes, day);
      for (const key of [team, channel]) {
        counters.set(key, { total: totalOf(key, now) + weightedTokens, expiresAt: now + retentionMs });
      }
      return { team: totalOf(team, now), channel: totalOf(channel, now) };
    },
    listCounters() {
      const now = clock.now();
      return [...counters].filter(([, counter]) => counter.expiresAt > now).map(([key, counter]) => ({ key, expiresInMs: counter.expiresAt - now }));
    },
  };
}

/** Both scopes' counter keys, named as on Redis (without prefix or hash tag) so listings read alike. */
function keysOf(scopes: SpendScopeKeys, day: string): { team: string; channel: string } {
  return { team: `spend:${scopes.teamId}:team:${day}`, channel: `spend:${scopes.teamId}:channel:${scopes.channelId}:${day}` };
}
