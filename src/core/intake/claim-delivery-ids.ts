import { sleep } from '../shared/sleep.js';
import type { DeliveryGuard } from './ports.js';

/** Ids claimed by {@link claimDeliveryIds}, or the first id found already claimed (then none is held). */
export interface DeliveryClaim {
  claimed: readonly string[];
  alreadyClaimedId?: string;
  /** The id found claimed was claimed and not yet kept (see `ClaimAllResult`). */
  pending?: boolean;
}

/**
 * Claims all ids or none: with the guard's `claimAll` in one step, else one `claim` at a time,
 * releasing the ones taken when a later id turns out claimed or the guard fails (then rethrows).
 * All ids are claimed in `scope` (see `DeliveryGuard`).
 */
export async function claimDeliveryIds(guard: DeliveryGuard, ids: readonly string[], ttlMs: number, scope?: string): Promise<DeliveryClaim> {
  if (guard.claimAll) {
    const result = await guard.claimAll(ids, ttlMs, scope);
    return result.claimed ? { claimed: ids } : { claimed: [], alreadyClaimedId: result.alreadyClaimedId, ...(result.pending ? { pending: true } : {}) };
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

/** How {@link claimDeliveryIdsOrWait} waits on a claim another delivery holds and has not kept yet. */
export interface PendingClaimWait {
  /** Longest wait (keep it inside Slack's 3 s acknowledgement window). */
  waitMs: number;
  /** Pause between looks. */
  pollMs: number;
  now: () => number;
}

/**
 * {@link claimDeliveryIds}, but when an id is held by a delivery that has not kept it yet — a
 * twin event (`app_mention` and `message.channels` of one message) being queued a few
 * milliseconds earlier, or a replica that died before queueing — it looks again until the claim
 * is kept (then: a plain duplicate), lapses (then: claimed here) or `waitMs` passes (then still
 * `pending`: the caller answers so Slack delivers it again later).
 */
export async function claimDeliveryIdsOrWait(guard: DeliveryGuard, ids: readonly string[], ttlMs: number, scope: string | undefined, wait: PendingClaimWait): Promise<DeliveryClaim> {
  const deadline = wait.now() + wait.waitMs;
  for (;;) {
    const claim = await claimDeliveryIds(guard, ids, ttlMs, scope);
    if (!claim.pending || wait.now() >= deadline) return claim;
    await sleep(Math.min(wait.pollMs, Math.max(1, deadline - wait.now())));
  }
}
