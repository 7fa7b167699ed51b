import type { Clock } from './ports.js';

/** A bounded, expiring set of ids kept in process memory. */
export interface RecentIds {
  /** True the first time `id` is seen within `ttlMs`; false while it is remembered. */
  rememberFirst(id: string): boolean;
}

/**
 * Remembers ids for `ttlMs`, at most `capacity` of them (the oldest go first). Used to say
 * something once per message when the shared store (Redis) cannot be asked.
 */
export function rememberRecentIds(options: { ttlMs: number; capacity?: number; clock?: Clock }): RecentIds {
  const capacity = options.capacity ?? 10_000;
  const clock = options.clock ?? { now: () => Date.now() };
  const expiries = new Map<string, number>();

  return {
    rememberFirst(id) {
      const now = clock.now();
      const expiresAt = expiries.get(id);
      if (expiresAt !== undefined && expiresAt > now) return false;
      expiries.delete(id);
      expiries.set(id, now + options.ttlMs);
      // Insertion order is age order: drop expired and overflowing entries from the front.
      for (const [oldId, oldExpiry] of expiries) {
        if (oldExpiry > now && expiries.size <= capacity) break;
        expiries.delete(oldId);
      }
      return true;
    },
  };
}
