import { describe, expect, it } from 'vitest';
import { reserveCallSlot, type CallSlotState } from './reserve-call-slot.js';

/** Reserves `count` slots at `now`, returning each caller's wait. */
function reserveMany(count: number, rate: { perMinute: number; burst: number }, now: number, state?: CallSlotState) {
  const waits: number[] = [];
  let current = state;
  for (let index = 0; index < count; index += 1) {
    const result = reserveCallSlot(current, rate, now);
    waits.push(Math.round(result.waitMs));
    current = result.state;
  }
  return { waits, state: current };
}

describe('reserveCallSlot', () => {
  it('lets a burst through at once, then spaces calls by the rate', () => {
    const { waits } = reserveMany(6, { perMinute: 60, burst: 3 }, 0);
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('gives back the burst after a quiet spell, never more', () => {
    const rate = { perMinute: 60, burst: 3 };
    const { state } = reserveMany(6, rate, 0);
    expect(reserveMany(4, rate, 60_000, state).waits).toEqual([0, 0, 0, 1000]);
  });

  it('keeps any minute within rate + burst, however many callers', () => {
    const rate = { perMinute: 100, burst: 20 };
    const { waits } = reserveMany(500, rate, 0);
    // 20 at once, then one every 600 ms: 99 more start inside the first minute.
    expect(waits.filter((wait) => wait < 60_000)).toHaveLength(20 + 99);
  });
});
