import type { Clock } from '../../core/shared/ports.js';
import type { HeldLock, ThreadLock } from '../../core/queue/ports.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';

/** Options of {@link createMemoryThreadLock}. */
export interface MemoryThreadLockOptions {
  /** Time source for expiries; defaults to `Date.now`. */
  clock?: Clock;
}

interface LockEntry {
  token: symbol;
  expiresAt: number;
}

/**
 * Per-thread lock in process memory, with the same semantics as the Redis lock: a lock
 * expires after its ttl unless renewed; renewing or releasing an expired or taken lock does
 * nothing (renew returns false).
 */
export function createMemoryThreadLock(options: MemoryThreadLockOptions = {}): ThreadLock {
  const clock = options.clock ?? { now: () => Date.now() };
  const locks = new Map<string, LockEntry>();

  function findLiveEntry(lockKey: string): LockEntry | undefined {
    const entry = locks.get(lockKey);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > clock.now()) return entry;
    locks.delete(lockKey);
    return undefined;
  }

  return {
    async tryAcquire(key: ThreadKey, ttlMs: number): Promise<HeldLock | undefined> {
      const lockKey = formatThreadKey(key);
      if (findLiveEntry(lockKey) !== undefined) return undefined;
      const token = Symbol(lockKey);
      locks.set(lockKey, { token, expiresAt: clock.now() + ttlMs });
      return {
        async renew(): Promise<boolean> {
          const entry = findLiveEntry(lockKey);
          if (entry?.token !== token) return false;
          entry.expiresAt = clock.now() + ttlMs;
          return true;
        },
        async release(): Promise<void> {
          if (findLiveEntry(lockKey)?.token === token) locks.delete(lockKey);
        },
      };
    },
  };
}
