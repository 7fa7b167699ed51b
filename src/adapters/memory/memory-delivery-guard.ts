import type { Clock } from '../../core/shared/ports.js';
import type { DeliveryGuard } from '../../core/intake/ports.js';

/** Options for {@link createMemoryDeliveryGuard}. */
export interface MemoryDeliveryGuardOptions {
  /** Time source for claim expiry. Default: `Date.now`. */
  clock?: Clock;
  /** Expired claims are also swept (besides being dropped when checked) at most this often. Default 60 s. */
  sweepIntervalMs?: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * Creates an in-process DeliveryGuard (single process only): the first claim of an id wins
 * until its ttl passes (by the injected clock) or it is released.
 */
export function createMemoryDeliveryGuard(options: MemoryDeliveryGuardOptions = {}): DeliveryGuard {
  const clock = options.clock ?? { now: () => Date.now() };
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const claims = new Map<string, number>();
  /** Claims made by `claimAll` and not yet kept by `extend`. */
  const pending = new Set<string>();
  let lastSweepAt = clock.now();

  function sweepExpired(now: number): void {
    lastSweepAt = now;
    for (const [id, expiresAt] of claims) {
      if (now > expiresAt) {
        claims.delete(id);
        pending.delete(id);
      }
    }
  }

  /** True while `id` is claimed at `now` (like Redis, still held at exactly its expiry instant). */
  function isHeld(id: string, now: number): boolean {
    const expiresAt = claims.get(id);
    return expiresAt !== undefined && now <= expiresAt;
  }

  function readClock(): number {
    const now = clock.now();
    if (now - lastSweepAt >= sweepIntervalMs) {
      sweepExpired(now);
    }
    return now;
  }

  /** The claim's name: the same id in two scopes is two claims. */
  const scoped = (id: string, scope: string | undefined) => (scope === undefined ? id : `${scope}\u0000${id}`);

  return {
    async claim(unscopedId, ttlMs, scope) {
      const id = scoped(unscopedId, scope);
      const now = readClock();
      if (isHeld(id, now)) {
        return false;
      }
      claims.set(id, now + Math.max(1, Math.ceil(ttlMs)));
      pending.delete(id);
      return true;
    },

    async claimAll(ids, ttlMs, scope) {
      const now = readClock();
      const alreadyClaimedId = ids.find((id) => isHeld(scoped(id, scope), now));
      if (alreadyClaimedId !== undefined) {
        return pending.has(scoped(alreadyClaimedId, scope)) ? { claimed: false, alreadyClaimedId, pending: true } : { claimed: false, alreadyClaimedId };
      }
      for (const id of ids) {
        claims.set(scoped(id, scope), now + Math.max(1, Math.ceil(ttlMs)));
        pending.add(scoped(id, scope));
      }
      return { claimed: true };
    },

    async release(id, scope) {
      claims.delete(scoped(id, scope));
      pending.delete(scoped(id, scope));
    },

    async extend(ids, ttlMs, scope) {
      const now = readClock();
      for (const id of ids) {
        if (!isHeld(scoped(id, scope), now)) continue;
        claims.set(scoped(id, scope), now + Math.max(1, Math.ceil(ttlMs)));
        pending.delete(scoped(id, scope));
      }
    },
  };
}
