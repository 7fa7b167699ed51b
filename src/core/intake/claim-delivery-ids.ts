import type { DeliveryGuard } from './ports.js';

/** Ids claimed by {@link claimDeliveryIds}, or the first id found already claimed (then none is held). */
export interface DeliveryClaim {
  claimed: readonly string[];
  alreadyClaimedId?: string;
}

/**
 * Claims all ids or none: with the guard's `claimAll` in one step, else one `claim` at a time,
 * releasing the ones taken when a later id turns out claimed or the guard fails (then rethrows).
 * All ids are claimed in `scope` (see `DeliveryGuard`).
 */
export async function claimDeliveryIds(guard: DeliveryGuard, ids: readonly string[], ttlMs: number, scope?: string): Promise<DeliveryClaim> {
  if (guard.claimAll) {
    const result = await guard.claimAll(ids, ttlMs, scope);
    return result.claimed ? { claimed: ids } : { claimed: [], alreadyClaimedId: result.alreadyClaimedId };
  }
  const claimed: string[] = [];
  const releaseClaims = () => Promise.allSettled(claimed.map((taken) => guard.release(taken, scope)));
  for (const id of ids) {
    let first: boolean;
    try {
      first = await guard.claim(id, ttlMs, scope);
    } catch (error) {
      await releaseClaims();
      throw error;
    }
    if (!first) {
      await releaseClaims();
      return { claimed: [], alreadyClaimedId: id };
    }
    claimed.push(id);
  }
  return { claimed };
}
