import type { CallRate } from './ports.js';

/** A scope's state: the theoretical arrival time of its next call (epoch ms). */
export interface CallSlotState {
  nextAt: number;
}

/**
 * The generic cell rate algorithm: calls are spaced `60 000 / perMinute` ms apart on average,
 * and up to `burst` may go back to back after a quiet spell. Every call reserves a slot, so a
 * caller told to wait owns the slot it waits for — nobody retries, nobody overtakes. Returns
 * the wait and the state to store. The Redis adapter runs the same arithmetic in Lua.
 */
export function reserveCallSlot(state: CallSlotState | undefined, rate: CallRate, now: number): { waitMs: number; state: CallSlotState } {
  const intervalMs = 60_000 / Math.max(rate.perMinute, 1e-6);
  const toleranceMs = intervalMs * (Math.max(1, Math.floor(rate.burst)) - 1);
  const arrival = Math.max(state?.nextAt ?? now, now);
  const waitMs = Math.max(0, arrival - toleranceMs - now);
  return { waitMs, state: { nextAt: arrival + intervalMs } };
}
