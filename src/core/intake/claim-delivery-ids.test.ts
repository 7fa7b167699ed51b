import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryGuard } from '../../adapters/memory/memory-delivery-guard.js';
import { StoreUnavailableError } from '../errors.js';
import { claimDeliveryIds } from './claim-delivery-ids.js';
import type { DeliveryGuard } from './ports.js';

/** The memory guard without `claimAll`: one id at a time, as a simpler backend would. */
function oneAtATime(memory = createMemoryDeliveryGuard()): DeliveryGuard {
  return { claim: (id, ttl) => memory.claim(id, ttl), release: (id) => memory.release(id) };
}

describe('claimDeliveryIds', () => {
  it('claims all ids in one step when the guard offers claimAll, or none when one was taken', async () => {
    const guard = createMemoryDeliveryGuard();
    expect(await claimDeliveryIds(guard, ['EvMention', 'C1:1'], 60_000)).toEqual({ claimed: ['EvMention', 'C1:1'] });
    expect(await claimDeliveryIds(guard, ['EvMessage', 'C1:1'], 60_000)).toEqual({ claimed: [], alreadyClaimedId: 'C1:1' });
    expect(await guard.claim('EvMessage', 60_000)).toBe(true);
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
