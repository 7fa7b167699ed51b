import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryGuard } from '../../adapters/memory/memory-delivery-guard.js';
import { StoreUnavailableError } from '../errors.js';
import { claimDeliveryIds, claimDeliveryIdsOrWait } from './claim-delivery-ids.js';
import type { DeliveryGuard } from './ports.js';

/** The memory guard without `claimAll`: one id at a time, as a simpler backend would. */
function oneAtATime(memory = createMemoryDeliveryGuard()): DeliveryGuard {
  return { claim: (id, ttl) => memory.claim(id, ttl), release: (id) => memory.release(id) };
}

describe('claimDeliveryIds', () => {
  it('claims all ids in one step when the guard offers claimAll, or none when one was taken', async () => {
    const guard = createMemoryDeliveryGuard();
    expect(await claimDeliveryIds(guard, ['EvMention', 'C1:1'], 60_000)).toEqual({ claimed: ['EvMention', 'C1:1'] });
    // Claimed and not yet kept (`extend`): reported as pending.
    expect(await claimDeliveryIds(guard, ['EvMessage', 'C1:1'], 60_000)).toEqual({ claimed: [], alreadyClaimedId: 'C1:1', pending: true });
    expect(await guard.claim('EvMessage', 60_000)).toBe(true);
  });

  it('waits on a pending claim until it is kept, lapses, or the wait runs out', async () => {
    const guard = createMemoryDeliveryGuard();
    const wait = { waitMs: 400, pollMs: 10, now: () => Date.now() };
    await claimDeliveryIds(guard, ['EvA', 'C1:2'], 60_000);
    setTimeout(() => void guard.extend?.(['EvA', 'C1:2'], 60_000), 50);
    expect(await claimDeliveryIdsOrWait(guard, ['EvB', 'C1:2'], 60_000, undefined, wait)).toEqual({ claimed: [], alreadyClaimedId: 'C1:2' });

    await claimDeliveryIds(guard, ['EvC', 'C1:3'], 100);
    expect(await claimDeliveryIdsOrWait(guard, ['EvD', 'C1:3'], 60_000, undefined, wait)).toEqual({ claimed: ['EvD', 'C1:3'] });

    await claimDeliveryIds(guard, ['EvE', 'C1:4'], 60_000);
    const startedAt = Date.now();
    expect(await claimDeliveryIdsOrWait(guard, ['EvF', 'C1:4'], 60_000, undefined, wait)).toEqual({ claimed: [], alreadyClaimedId: 'C1:4', pending: true });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(390);
  });

  it('with a guard that only claims one id at a time, releases the ids it took when a later one is taken', async () => {
    const memory = createMemoryDeliveryGuard();
    const guard = oneAtATime(memory);
    await claimDeliveryIds(guard, ['EvMention', 'C1:1'], 60_000);
    expect(await claimDeliveryIds(guard, ['EvMessage', 'C1:1'], 60_000)).toEqual({ claimed: [], alreadyClaimedId: 'C1:1' });
    expect(await memory.claim('EvMessage', 60_000)).toBe(true);
    expect(await memory.claim('EvMention', 60_000)).toBe(false);
  });

  it('releases what it took and rethrows when the guard fails part way', async () => {
    const memory = createMemoryDeliveryGuard();
    const failing: DeliveryGuard = {
      claim: async (id, ttl) => {
        if (id === 'b') throw new StoreUnavailableError('down');
        return memory.claim(id, ttl);
      },
      release: (id) => memory.release(id),
    };
    await expect(claimDeliveryIds(failing, ['a', 'b'], 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await memory.claim('a', 60_000)).toBe(true);
  });
});
