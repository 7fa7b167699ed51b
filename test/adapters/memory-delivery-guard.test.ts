import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryGuard } from '../../src/adapters/memory/memory-delivery-guard.js';
import { describeDeliveryGuardConformance } from '../conformance/delivery-guard-conformance.js';

describeDeliveryGuardConformance('memory delivery guard', async () => {
  let now = 1_700_000_000_000;
  return {
    guard: createMemoryDeliveryGuard({ clock: { now: () => now } }),
    cleanup: async () => {},
    advanceTime: (ms) => {
      now += ms;
    },
  };
});

describe('createMemoryDeliveryGuard', () => {
  it('drops expired claims during a sweep and still refuses live ones', async () => {
    let now = 0;
    const guard = createMemoryDeliveryGuard({ clock: { now: () => now }, sweepIntervalMs: 100 });
    expect(await guard.claim('short', 50)).toBe(true);
    expect(await guard.claim('long', 10_000)).toBe(true);
    now = 1000;
    expect(await guard.claim('other', 50)).toBe(true);
    expect(await guard.claim('short', 50)).toBe(true);
    expect(await guard.claim('long', 10_000)).toBe(false);
  });

  it('uses the wall clock by default', async () => {
    const guard = createMemoryDeliveryGuard();
    expect(await guard.claim('id', 60_000)).toBe(true);
    expect(await guard.claim('id', 60_000)).toBe(false);
  });
});
